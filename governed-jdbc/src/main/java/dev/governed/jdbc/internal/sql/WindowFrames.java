package dev.governed.jdbc.internal.sql;

import dev.governed.jdbc.internal.sql.SqlLexer.Kind;
import dev.governed.jdbc.internal.sql.SqlLexer.Token;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Gives JSqlParser 5 the window frames it cannot read in a form it can, without changing a table,
 * column or function the statement names: the frame unit {@code GROUPS} becomes {@code ROWS}, and a
 * frame exclusion ({@code EXCLUDE CURRENT ROW | GROUP | TIES | NO OTHERS}) is dropped. Both only
 * choose which rows of the partition a window function sees, never what it reads. Only at the
 * depth of a window's own parentheses ({@code OVER (…)}, {@code WINDOW w AS (…)}), and only in
 * the one shape the frame clause can take there, so a column named {@code groups} stays a column.
 */
final class WindowFrames {

    /** Words after which a following word starts an expression, so GROUPS there is a column. */
    private static final Set<String> EXPRESSION_STARTERS = Set.of("BY", "AND", "OR", "NOT", "BETWEEN", "IS", "IN",
            "LIKE", "ILIKE", "SIMILAR", "COLLATE", "OPERATOR", "ESCAPE", "DISTINCT", "FROM");
    /** Words that end a WINDOW clause at its depth. */
    private static final Set<String> WINDOW_CLAUSE_ENDS = Set.of("ORDER", "LIMIT", "OFFSET", "FETCH", "FOR", "UNION",
            "INTERSECT", "EXCEPT");

    private WindowFrames() {}

    /** The tokens with every window frame given plainly; the same list when there is none. */
    static List<Token> plain(List<Token> tokens) {
        if (!mentionsFrameWords(tokens)) {
            return tokens;
        }
        List<Token> result = new ArrayList<>(tokens.size());
        long windowDepths = 0; // bit d: the parentheses at depth d are a window's own
        int depth = 0;
        int windowClauseDepth = -1; // the depth of an open WINDOW clause, or -1
        for (int i = 0; i < tokens.size(); i++) {
            Token each = tokens.get(i);
            Token previous = i > 0 ? tokens.get(i - 1) : null;
            if (each.isSymbol('(')) {
                boolean window = previous != null && (previous.isWord("OVER")
                        || (windowClauseDepth == depth && previous.isWord("AS")));
                depth++;
                windowDepths = window ? windowDepths | bit(depth) : windowDepths & ~bit(depth);
            } else if (each.isSymbol(')')) {
                windowDepths &= ~bit(depth);
                depth = Math.max(0, depth - 1);
                if (depth < windowClauseDepth) {
                    windowClauseDepth = -1;
                }
            } else if (each.isSymbol(';')) {
                depth = 0;
                windowDepths = 0;
                windowClauseDepth = -1;
            } else if (each.isWord("WINDOW")) {
                windowClauseDepth = depth;
            } else if (windowClauseDepth == depth && each.kind() == Kind.WORD
                    && WINDOW_CLAUSE_ENDS.contains(each.text().toUpperCase(java.util.Locale.ROOT))) {
                windowClauseDepth = -1;
            }
            boolean inWindow = (windowDepths & bit(depth)) != 0;
            if (inWindow && each.isWord("GROUPS") && endsExpression(previous) && startsFrame(tokens, i + 1)) {
                result.add(new Token(Kind.WORD, "ROWS", each.spaced()));
                continue;
            }
            int exclusion = inWindow && each.isWord("EXCLUDE") && endsFrame(previous) ? exclusionLength(tokens, i) : 0;
            if (exclusion > 0) {
                i += exclusion - 1;
                continue;
            }
            result.add(each);
        }
        return result;
    }

    private static boolean mentionsFrameWords(List<Token> tokens) {
        for (Token each : tokens) {
            if (each.isWord("GROUPS") || each.isWord("EXCLUDE")) {
                return true;
            }
        }
        return false;
    }

    /** The frame unit follows an ORDER BY item: a name, a literal, a closing parenthesis, ASC, NULLS LAST … */
    private static boolean endsExpression(Token previous) {
        if (previous == null) {
            return false;
        }
        return switch (previous.kind()) {
            case WORD -> !EXPRESSION_STARTERS.contains(previous.text().toUpperCase(java.util.Locale.ROOT));
            case QUOTED, NUMBER, STRING, PARAM -> true;
            case SYMBOL -> previous.isSymbol(')');
            default -> false;
        };
    }

    /** GROUPS BETWEEN …, GROUPS UNBOUNDED PRECEDING, GROUPS CURRENT ROW, GROUPS 2 PRECEDING. */
    private static boolean startsFrame(List<Token> tokens, int next) {
        if (next >= tokens.size()) {
            return false;
        }
        Token first = tokens.get(next);
        if (first.isWord("BETWEEN") || first.isWord("UNBOUNDED") || first.isWord("CURRENT")) {
            return true;
        }
        return (first.kind() == Kind.NUMBER || first.kind() == Kind.PARAM) && next + 1 < tokens.size()
                && tokens.get(next + 1).isWord("PRECEDING");
    }

    /** A frame bound ends with ROW (CURRENT ROW), PRECEDING or FOLLOWING. */
    private static boolean endsFrame(Token previous) {
        return previous != null && (previous.isWord("ROW") || previous.isWord("PRECEDING")
                || previous.isWord("FOLLOWING"));
    }

    /** How many tokens the exclusion at {@code start} spans, when the window's parenthesis closes right after it; else 0. */
    private static int exclusionLength(List<Token> tokens, int start) {
        int length = 0;
        if (matches(tokens, start + 1, "CURRENT", "ROW") || matches(tokens, start + 1, "NO", "OTHERS")) {
            length = 3;
        } else if (matches(tokens, start + 1, "GROUP") || matches(tokens, start + 1, "TIES")) {
            length = 2;
        }
        return length > 0 && start + length < tokens.size() && tokens.get(start + length).isSymbol(')') ? length : 0;
    }

    private static boolean matches(List<Token> tokens, int from, String... words) {
        if (from + words.length > tokens.size()) {
            return false;
        }
        for (int i = 0; i < words.length; i++) {
            if (!tokens.get(from + i).isWord(words[i])) {
                return false;
            }
        }
        return true;
    }

    private static long bit(int depth) {
        return 1L << Math.min(depth, 62);
    }
}
