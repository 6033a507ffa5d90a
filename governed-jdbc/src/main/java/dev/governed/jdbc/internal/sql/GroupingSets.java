package dev.governed.jdbc.internal.sql;

import dev.governed.jdbc.internal.sql.SqlLexer.Kind;
import dev.governed.jdbc.internal.sql.SqlLexer.Token;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * JSqlParser 5 reads {@code GROUPING SETS (…)} only as the whole GROUP BY. Elsewhere (nested in another
 * grouping set, or beside other GROUP BY items) the words {@code GROUPING SETS} are dropped and the
 * parenthesised list stays: it groups differently, but by exactly the same columns and expressions.
 */
final class GroupingSets {

    /** Words that end a GROUP BY list at its own depth. */
    private static final Set<String> GROUP_BY_ENDS = Set.of("HAVING", "WINDOW", "QUALIFY", "ORDER", "LIMIT", "OFFSET",
            "FETCH", "FOR", "UNION", "INTERSECT", "EXCEPT", "RETURNING");

    private GroupingSets() {}

    /** The tokens with every grouping set JSqlParser cannot read given as a parenthesised list. */
    static List<Token> plain(List<Token> tokens) {
        List<Token> result = null;
        for (int i = 0; i < tokens.size(); i++) {
            boolean groupingSets = tokens.get(i).isWord("GROUPING") && Spans.isWord(tokens, i + 1, "SETS")
                    && Spans.isSymbol(tokens, i + 2, '(');
            if (groupingSets && !wholeGroupBy(tokens, i)) {
                if (result == null) {
                    result = new ArrayList<>(tokens.subList(0, i));
                }
                Token open = tokens.get(i + 2);
                result.add(new Token(open.kind(), open.text(), tokens.get(i).spaced()));
                i += 2;
            } else if (result != null) {
                result.add(tokens.get(i));
            }
        }
        return result == null ? tokens : result;
    }

    /** {@code GROUP BY [ALL | DISTINCT] GROUPING SETS (…)} with nothing after it in the GROUP BY. */
    private static boolean wholeGroupBy(List<Token> tokens, int at) {
        int before = at - 1;
        if (Spans.isWord(tokens, before, "ALL") || Spans.isWord(tokens, before, "DISTINCT")) {
            before--;
        }
        if (!Spans.isWord(tokens, before, "BY") || !Spans.isWord(tokens, before - 1, "GROUP")) {
            return false;
        }
        int close = Spans.closing(tokens, at + 2);
        if (close < 0) {
            return false;
        }
        int next = close + 1;
        if (next == tokens.size()) {
            return true;
        }
        Token after = tokens.get(next);
        return after.isSymbol(')') || after.isSymbol(';')
                || (after.kind() == Kind.WORD && GROUP_BY_ENDS.contains(after.text().toUpperCase(Locale.ROOT)));
    }
}
