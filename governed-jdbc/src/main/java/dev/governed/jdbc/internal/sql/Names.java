package dev.governed.jdbc.internal.sql;

import dev.governed.policy.TableName;
import java.util.List;
import java.util.Locale;

/** Identifier normalisation shared by the recogniser and the tree walker: unquoted, lower-cased. */
final class Names {

    private Names() {}

    /** {@code "Orders"} and {@code `Orders`} and {@code Orders} all become {@code orders}. */
    static String identifier(String raw) {
        if (raw == null) {
            return null;
        }
        String text = raw;
        if (text.length() >= 3 && (text.startsWith("U&\"") || text.startsWith("u&\""))) {
            text = text.substring(2);
        }
        if (text.length() >= 2) {
            char first = text.charAt(0);
            char last = text.charAt(text.length() - 1);
            if ((first == '"' && last == '"') || (first == '`' && last == '`')) {
                String quote = String.valueOf(first);
                text = text.substring(1, text.length() - 1).replace(quote + quote, quote);
            } else if (first == '[' && last == ']') {
                text = text.substring(1, text.length() - 1);
            }
        }
        return text.toLowerCase(Locale.ROOT);
    }

    /**
     * How a CTE name or table reference is matched against CTE names: unquoted names
     * case-insensitively, quoted names exactly, and never a quoted name with an unquoted
     * one, since PostgreSQL and H2 fold unquoted names to different cases. A mismatch only
     * makes Governed count a CTE reference as a table read, never the reverse.
     */
    static String cteKey(String raw) {
        if (raw == null) {
            return null;
        }
        boolean quoted = raw.length() >= 2 && (raw.startsWith("\"") || raw.startsWith("`"));
        return quoted ? "q:" + raw.substring(1, raw.length() - 1) : "u:" + raw.toLowerCase(Locale.ROOT);
    }

    /** A table from its name parts, keeping the schema and dropping any catalog or server. */
    static TableName table(List<String> parts) {
        String name = identifier(parts.get(parts.size() - 1));
        String schema = parts.size() >= 2 ? identifier(parts.get(parts.size() - 2)) : null;
        return TableName.of(schema == null || schema.isEmpty() ? null : schema, name);
    }
}
