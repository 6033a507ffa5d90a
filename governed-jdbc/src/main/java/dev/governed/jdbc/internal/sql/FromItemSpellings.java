package dev.governed.jdbc.internal.sql;

import dev.governed.jdbc.internal.sql.SqlLexer.Kind;
import dev.governed.jdbc.internal.sql.SqlLexer.Token;
import java.util.ArrayList;
import java.util.List;

/**
 * PostgreSQL FROM items JSqlParser 5 cannot read, given in a form it can that names the same tables,
 * columns and functions:
 * <ul>
 *   <li>{@code ROWS FROM (f(a), g(b) AS (…)) [WITH ORDINALITY]} becomes {@code (f(a) CROSS JOIN g(b) AS (…))}:
 *       the same calls with the same arguments, joined side by side instead of zipped, without the
 *       ordinal column, which reads nothing;</li>
 *   <li>{@code JOIN … USING (k) AS j} loses {@code AS j}, a second name for the join's key columns only:
 *       {@code j.k} stays the same column reference;</li>
 *   <li>{@code FROM t*} loses the {@code *}, PostgreSQL's old spelling of its default, t with its
 *       inheritance children: only where the name is surely a FROM item, never in an expression.</li>
 * </ul>
 */
final class FromItemSpellings {

    private FromItemSpellings() {}

    /** The tokens with these FROM items given plainly; the same list when there is none. */
    static List<Token> plain(List<Token> tokens) {
        List<Token> result = new ArrayList<>(tokens.size());
        boolean changed = false;
        for (int i = 0; i < tokens.size(); i++) {
            int rowsFrom = rowsFrom(tokens, i, result);
            if (rowsFrom > i) {
                i = rowsFrom - 1;
                changed = true;
            } else if (joinAlias(tokens, i)) {
                result.add(tokens.get(i));
                i += 2; // AS and the alias
                changed = true;
            } else if (inheritanceStar(tokens, i)) {
                changed = true;
            } else {
                result.add(tokens.get(i));
            }
        }
        return changed ? result : tokens;
    }

    /**
     * At {@code ROWS FROM (…)}: adds the joined calls to {@code result} and returns the index after the
     * construct (and its WITH ORDINALITY); else returns {@code at}.
     */
    private static int rowsFrom(List<Token> tokens, int at, List<Token> result) {
        if (!tokens.get(at).isWord("ROWS") || !Spans.isWord(tokens, at + 1, "FROM") || !Spans.isSymbol(tokens, at + 2, '(')) {
            return at;
        }
        int close = Spans.closing(tokens, at + 2);
        if (close < 0) {
            return at;
        }
        List<List<Token>> calls = Spans.commaSeparated(tokens, at + 3, close);
        if (calls.stream().anyMatch(List::isEmpty)) {
            return at;
        }
        result.add(Spans.symbol('(', tokens.get(at).spaced()));
        for (int i = 0; i < calls.size(); i++) {
            if (i > 0) {
                result.add(Spans.word("CROSS", true));
                result.add(Spans.word("JOIN", true));
                result.add(Spans.spaced(calls.get(i).get(0)));
                result.addAll(calls.get(i).subList(1, calls.get(i).size()));
            } else {
                result.addAll(calls.get(i));
            }
        }
        result.add(tokens.get(close));
        int next = close + 1;
        if (Spans.isWord(tokens, next, "WITH") && Spans.isWord(tokens, next + 1, "ORDINALITY")) {
            next += 2;
        }
        return next;
    }

    /** {@code USING ( name, … )} followed at {@code at} by {@code AS name} that is not a table alias with columns. */
    private static boolean joinAlias(List<Token> tokens, int at) {
        if (!tokens.get(at).isSymbol(')') || !Spans.isWord(tokens, at + 1, "AS") || !Spans.isName(tokens, at + 2)
                || Spans.isSymbol(tokens, at + 3, '(') || Spans.isSymbol(tokens, at + 3, '.')) {
            return false;
        }
        // Walk back over "name, name, …" to the opening parenthesis, which must follow USING.
        int i = at - 1;
        boolean expectName = true;
        while (i >= 0 && !tokens.get(i).isSymbol('(')) {
            boolean ok = expectName ? Spans.isName(tokens, i) : tokens.get(i).isSymbol(',');
            if (!ok) {
                return false;
            }
            expectName = !expectName;
            i--;
        }
        return i > 0 && !expectName && tokens.get(i - 1).isWord("USING");
    }

    /** A {@code *} right after a table name that directly follows a query's FROM or a JOIN. */
    private static boolean inheritanceStar(List<Token> tokens, int at) {
        if (!tokens.get(at).isSymbol('*')) {
            return false;
        }
        int name = at - 1;
        while (name >= 2 && tokens.get(name - 1).isSymbol('.') && Spans.isName(tokens, name - 2)) {
            name -= 2; // schema.table
        }
        if (!Spans.isName(tokens, name) || tokens.get(name).isWord("FROM") || tokens.get(name).isWord("JOIN")) {
            return false;
        }
        boolean afterJoin = Spans.isWord(tokens, name - 1, "JOIN");
        if (!afterJoin && !(Spans.isWord(tokens, name - 1, "FROM") && queryFrom(tokens, name - 1))) {
            return false;
        }
        // What follows a FROM item: its alias, the next item, a clause; never an operand of a product.
        int next = at + 1;
        return next == tokens.size() || tokens.get(next).isSymbol(',') || tokens.get(next).isSymbol(')')
                || tokens.get(next).isSymbol(';') || tokens.get(next).kind() == Kind.WORD
                || tokens.get(next).kind() == Kind.QUOTED;
    }

    /**
     * Whether the FROM at {@code at} is a query's or a DELETE's, not one inside an expression
     * ({@code EXTRACT(… FROM x)}, {@code SUBSTRING(… FROM x)}, {@code IS DISTINCT FROM x}): SELECT or
     * DELETE comes before it at its own depth, with no parenthesis opening in between.
     */
    static boolean queryFrom(List<Token> tokens, int at) {
        if (Spans.isWord(tokens, at - 1, "DISTINCT")) {
            return false;
        }
        int depth = 0;
        for (int i = at - 1; i >= 0; i--) {
            Token each = tokens.get(i);
            if (each.isSymbol(')')) {
                depth++;
            } else if (each.isSymbol('(')) {
                if (depth == 0) {
                    return false;
                }
                depth--;
            } else if (depth == 0 && (each.isWord("SELECT") || each.isWord("DELETE"))) {
                return true;
            }
        }
        return false;
    }
}
