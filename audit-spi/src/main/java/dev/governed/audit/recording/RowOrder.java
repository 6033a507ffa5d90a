package dev.governed.audit.recording;

/**
 * Whether a statement fixes the order of its rows: it has an {@code ORDER BY} at the top level, outside every
 * parenthesis (a subquery's, a window's or an aggregate's ordering does not order the result). The driver asks it to
 * decide whether a result digest is kept as a multiset too, so a replay compares rows in order only where the
 * statement asked for one. Read lexically: string literals, quoted identifiers, PostgreSQL dollar quotes and comments
 * are skipped, so text that merely looks like an {@code ORDER BY} inside them does not count.
 */
public final class RowOrder {

    private RowOrder() {}

    /** Whether {@code sql} has a top-level {@code ORDER BY}. */
    public static boolean ordered(String sql) {
        int depth = 0;
        boolean afterOrder = false;
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            if (c == '\'' || c == '"' || c == '`') {
                i = quoted(sql, i, c);
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                i = lineEnd(sql, i);
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                i = commentEnd(sql, i);
            } else if (c == '$' && dollarTag(sql, i) > i) {
                i = dollarQuoted(sql, i, dollarTag(sql, i));
            } else if (c == '(') {
                depth++;
                afterOrder = false;
                i++;
            } else if (c == ')') {
                depth--;
                afterOrder = false;
                i++;
            } else if (wordStart(c)) {
                int end = i;
                while (end < n && wordPart(sql.charAt(end))) {
                    end++;
                }
                String word = sql.substring(i, end);
                if (depth == 0 && afterOrder && word.equalsIgnoreCase("BY")) {
                    return true;
                }
                afterOrder = depth == 0 && word.equalsIgnoreCase("ORDER");
                i = end;
            } else {
                if (!Character.isWhitespace(c)) {
                    afterOrder = false;
                }
                i++;
            }
        }
        return false;
    }

    private static boolean wordStart(char c) {
        return Character.isLetter(c) || c == '_';
    }

    private static boolean wordPart(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$';
    }

    /** The index after a quoted text starting at {@code start}; a doubled quote stands for itself. */
    private static int quoted(String sql, int start, char quote) {
        int i = start + 1;
        while (i < sql.length()) {
            if (sql.charAt(i) == quote) {
                if (i + 1 < sql.length() && sql.charAt(i + 1) == quote) {
                    i += 2;
                    continue;
                }
                return i + 1;
            }
            i++;
        }
        return i;
    }

    private static int lineEnd(String sql, int start) {
        int end = sql.indexOf('\n', start);
        return end < 0 ? sql.length() : end + 1;
    }

    /** The index after a block comment; PostgreSQL nests them. */
    private static int commentEnd(String sql, int start) {
        int depth = 0;
        int i = start;
        while (i + 1 < sql.length()) {
            if (sql.charAt(i) == '/' && sql.charAt(i + 1) == '*') {
                depth++;
                i += 2;
            } else if (sql.charAt(i) == '*' && sql.charAt(i + 1) == '/') {
                depth--;
                i += 2;
                if (depth == 0) {
                    return i;
                }
            } else {
                i++;
            }
        }
        return sql.length();
    }

    /** The index after the opening {@code $tag$} at {@code start}, or {@code start} when there is none. */
    private static int dollarTag(String sql, int start) {
        if (start > 0 && wordPart(sql.charAt(start - 1))) {
            return start; // part of a name such as a$b, or a parameter $1
        }
        int i = start + 1;
        while (i < sql.length() && (Character.isLetter(sql.charAt(i)) || sql.charAt(i) == '_')) {
            i++;
        }
        return i < sql.length() && sql.charAt(i) == '$' ? i + 1 : start;
    }

    private static int dollarQuoted(String sql, int start, int bodyStart) {
        String tag = sql.substring(start, bodyStart);
        int end = sql.indexOf(tag, bodyStart);
        return end < 0 ? sql.length() : end + tag.length();
    }
}
