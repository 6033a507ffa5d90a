package dev.governed.jdbc.internal.sql;

import dev.governed.jdbc.internal.sql.SqlLexer.Kind;
import dev.governed.jdbc.internal.sql.SqlLexer.Token;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Smaller PostgreSQL spellings JSqlParser 5 cannot read, given in a form it can; none changes a table,
 * column or function the statement names:
 * <ul>
 *   <li>{@code expr COLLATE "C"} loses its (quoted) collation, which only chooses how text compares;</li>
 *   <li>{@code WITH q AS NOT MATERIALIZED (…)} loses the planner hint {@code NOT MATERIALIZED};</li>
 *   <li>{@code OVER (w ORDER BY …)} loses the name of the window it refines, whose definition in the
 *       WINDOW clause is still read;</li>
 *   <li>{@code (expr).*} is {@code (expr)}: the same value, spread into its fields;</li>
 *   <li>{@code f(a := 1)} is {@code f(a => 1)}, the older spelling of a named argument;</li>
 *   <li>{@code UNION TABLE t} is {@code UNION SELECT * FROM t}, which PostgreSQL defines it to be.</li>
 * </ul>
 */
final class ClauseSpellings {

    /** Words after which COLLATE cannot follow an operand (so a column named collate stays a column). */
    private static final Set<String> NOT_OPERANDS = Set.of("SELECT", "DISTINCT", "ALL", "WHERE", "AND", "OR", "NOT",
            "BY", "ON", "WHEN", "THEN", "ELSE", "CASE", "HAVING", "IS", "IN", "AS", "FROM", "SET", "VALUES",
            "RETURNING", "USING", "LIKE", "ILIKE", "BETWEEN", "ESCAPE", "JOIN", "INTO", "TABLE");

    private static final Set<String> SET_OPERATIONS = Set.of("UNION", "INTERSECT", "EXCEPT");

    private ClauseSpellings() {}

    static List<Token> plain(List<Token> tokens) {
        List<Token> result = new ArrayList<>(tokens.size());
        boolean changed = false;
        for (int i = 0; i < tokens.size(); i++) {
            Token each = tokens.get(i);
            int skip = 0;
            if (each.isWord("COLLATE")) {
                skip = collation(tokens, i);
            } else if (each.isWord("NOT") && Spans.isWord(tokens, i - 1, "AS") && Spans.isWord(tokens, i + 1, "MATERIALIZED")
                    && Spans.isSymbol(tokens, i + 2, '(')) {
                skip = 2;
            } else if (Spans.isName(tokens, i) && Spans.isSymbol(tokens, i - 1, '(') && Spans.isWord(tokens, i - 2, "OVER")
                    && windowRefinement(tokens, i + 1)) {
                skip = 1;
            } else if (each.isSymbol('.') && Spans.isSymbol(tokens, i - 1, ')') && Spans.isSymbol(tokens, i + 1, '*')
                    && endsSelectItem(tokens, i + 2)) {
                skip = 2;
            } else if (namedArgument(tokens, i)) {
                result.add(Spans.symbol('=', true));
                result.add(Spans.symbol('>', false));
                i++;
                changed = true;
                continue;
            } else if (each.isWord("TABLE") && afterSetOperation(tokens, i) && Spans.isName(tokens, i + 1)) {
                result.add(Spans.word("SELECT", each.spaced()));
                result.add(Spans.symbol('*', true));
                result.add(Spans.word("FROM", true));
                changed = true;
                continue;
            }
            if (skip > 0) {
                i += skip - 1;
                changed = true;
            } else {
                result.add(each);
            }
        }
        return changed ? result : tokens;
    }

    /**
     * How many tokens {@code COLLATE "name"} or {@code COLLATE schema."name"} at {@code at} spans, when it
     * follows an operand; else 0. Only a quoted collation name: where COLLATE is no keyword (H2) an
     * unquoted word after it could be the next clause ({@code SELECT x collate FROM t}).
     */
    private static int collation(List<Token> tokens, int at) {
        if (at == 0 || !endsOperand(tokens.get(at - 1))) {
            return 0;
        }
        if (quoted(tokens, at + 1)) {
            return 2;
        }
        boolean qualified = Spans.isName(tokens, at + 1) && Spans.isSymbol(tokens, at + 2, '.') && quoted(tokens, at + 3);
        return qualified ? 4 : 0;
    }

    private static boolean quoted(List<Token> tokens, int at) {
        return at < tokens.size() && tokens.get(at).kind() == Kind.QUOTED;
    }

    private static boolean endsOperand(Token token) {
        return switch (token.kind()) {
            case QUOTED, NUMBER, STRING, PARAM -> true;
            case WORD -> !NOT_OPERANDS.contains(token.text().toUpperCase(Locale.ROOT));
            case SYMBOL -> token.isSymbol(')') || token.isSymbol(']');
            default -> false;
        };
    }

    /** What may follow a refined window's name: its own PARTITION BY, ORDER BY, frame, or nothing. */
    private static boolean windowRefinement(List<Token> tokens, int next) {
        return Spans.isSymbol(tokens, next, ')') || Spans.isWord(tokens, next, "PARTITION")
                || Spans.isWord(tokens, next, "ORDER") || Spans.isWord(tokens, next, "RANGE")
                || Spans.isWord(tokens, next, "ROWS") || Spans.isWord(tokens, next, "GROUPS");
    }

    /** After {@code .*}: the next select item, FROM, the end of a list, or the end. */
    private static boolean endsSelectItem(List<Token> tokens, int next) {
        return next == tokens.size() || tokens.get(next).isSymbol(',') || tokens.get(next).isSymbol(')')
                || tokens.get(next).isWord("FROM") || tokens.get(next).isSymbol(';');
    }

    /** {@code :=} right after an argument's name in a call, {@code f(a := 1)}: PostgreSQL's older spelling of {@code =>}. */
    private static boolean namedArgument(List<Token> tokens, int at) {
        if (!tokens.get(at).isSymbol(':') || !Spans.isSymbol(tokens, at + 1, '=') || tokens.get(at + 1).spaced()
                || !Spans.isName(tokens, at - 1)
                || !(Spans.isSymbol(tokens, at - 2, '(') || Spans.isSymbol(tokens, at - 2, ','))) {
            return false;
        }
        int depth = 0;
        for (int i = at - 2; i >= 0; i--) {
            if (tokens.get(i).isSymbol(')')) {
                depth++;
            } else if (tokens.get(i).isSymbol('(')) {
                if (depth == 0) {
                    return Spans.isName(tokens, i - 1); // the call's own parenthesis
                }
                depth--;
            }
        }
        return false;
    }

    /** TABLE right after UNION, INTERSECT or EXCEPT, with or without ALL or DISTINCT. */
    private static boolean afterSetOperation(List<Token> tokens, int at) {
        int before = at - 1;
        if (Spans.isWord(tokens, before, "ALL") || Spans.isWord(tokens, before, "DISTINCT")) {
            before--;
        }
        return before >= 0 && tokens.get(before).kind() == Kind.WORD
                && SET_OPERATIONS.contains(tokens.get(before).text().toUpperCase(Locale.ROOT));
    }
}
