package dev.governed.jdbc.internal.sql;

/**
 * Whether a statement fixes the order of its rows: it has an {@code ORDER BY} at the top level, outside every
 * parenthesis (a subquery's, a window's or an aggregate's ordering does not order the result). The driver asks it to
 * decide whether a result digest is kept as a multiset too, so a replay compares rows in order only where the
 * statement asked for one. Read with the driver's own lexer, so literals, quoted names and comments never count.
 */
public final class RowOrder {

    private RowOrder() {}

    /** Whether {@code sql} has a top-level {@code ORDER BY}. */
    public static boolean ordered(String sql) {
        SqlLexer lexer = new SqlLexer(sql);
        int depth = 0;
        boolean afterOrder = false;
        while (lexer.next()) {
            boolean order = false;
            if (lexer.kind() == SqlLexer.Kind.WORD) {
                if (depth == 0 && afterOrder && lexer.isWord("BY")) {
                    return true;
                }
                order = depth == 0 && lexer.isWord("ORDER");
            } else if (lexer.kind() == SqlLexer.Kind.SYMBOL) {
                char c = sql.charAt(lexer.start());
                depth += c == '(' ? 1 : c == ')' ? -1 : 0;
            }
            afterOrder = order;
        }
        return false;
    }
}
