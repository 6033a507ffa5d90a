package dev.governed.jdbc.internal.mask;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Every identifier a SQL text mentions, lower-cased, outside string literals and comments.
 * A crude lexer on purpose: it is the safety net that catches a masked column's name in a
 * place the lineage walk did not reach.
 */
final class SqlIdentifiers {

    private SqlIdentifiers() {}

    static Set<String> of(String sql) {
        Set<String> result = new HashSet<>();
        int length = sql.length();
        int i = 0;
        while (i < length) {
            char c = sql.charAt(i);
            if (c == '\'') {
                i = skipQuoted(sql, i, '\'');
            } else if (c == '-' && i + 1 < length && sql.charAt(i + 1) == '-') {
                int end = sql.indexOf('\n', i);
                i = end < 0 ? length : end + 1;
            } else if (c == '/' && i + 1 < length && sql.charAt(i + 1) == '*') {
                int end = sql.indexOf("*/", i + 2);
                i = end < 0 ? length : end + 2;
            } else if (c == '"' || c == '`') {
                int end = skipQuoted(sql, i, c);
                result.add(sql.substring(i + 1, Math.max(i + 1, end - 1)).replace("\"\"", "\"").toLowerCase(Locale.ROOT));
                i = end;
            } else if (Character.isLetter(c) || c == '_') {
                int start = i;
                while (i < length && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '_'
                        || sql.charAt(i) == '$')) {
                    i++;
                }
                result.add(sql.substring(start, i).toLowerCase(Locale.ROOT));
            } else {
                i++;
            }
        }
        return result;
    }

    /** The index after the closing quote; a doubled quote is an escaped one. */
    private static int skipQuoted(String sql, int start, char quote) {
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
        return sql.length();
    }
}
