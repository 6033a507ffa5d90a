package dev.governed.policy;

import java.util.List;
import java.util.Objects;

/**
 * A table pattern of one to three dot-separated segments ({@code orders},
 * {@code public.orders}, {@code app.public.*}), matched right-aligned against a
 * {@link TableName}: the last segment is the table, the one before it the schema, the
 * first of three the catalog. {@code *} wildcards a whole segment; names are compared
 * case-insensitively after unquoting. A pattern without a schema matches the table in
 * any schema.
 *
 * @param text     the pattern as written in the document
 * @param segments unquoted, lower-cased segments; {@code "*"} for a wildcard
 */
public record TablePattern(String text, List<String> segments) {

    static final String SHAPE = "a table pattern [[catalog.]schema.]table of 1 to 3 segments, e.g. public.orders or *.orders";

    public TablePattern {
        Objects.requireNonNull(text, "text");
        segments = List.copyOf(segments);
        if (segments.isEmpty() || segments.size() > 3) {
            throw new IllegalArgumentException("a table pattern has 1 to 3 segments");
        }
    }

    /** @throws IllegalArgumentException naming what is wrong with the pattern */
    public static TablePattern parse(String text) {
        return new TablePattern(text, NamePatterns.split(text, 1, 3, SHAPE));
    }

    /**
     * Matching for allow rules, failing closed: a named schema or catalog does not match a
     * table whose schema is unknown, and since {@link TableName} carries no catalog, a
     * three-segment pattern allows only when its catalog segment is {@code *}.
     */
    public boolean matchesStrictly(TableName table) {
        return matches(table, false);
    }

    /**
     * Matching for deny and approve rules, erring towards a match: a named schema matches
     * a table whose schema is unknown, and the catalog segment is not compared.
     */
    public boolean matchesConservatively(TableName table) {
        return matches(table, true);
    }

    private boolean matches(TableName table, boolean conservative) {
        int count = segments.size();
        if (!NamePatterns.segmentMatches(segments.get(count - 1), table.name())) {
            return false;
        }
        if (count >= 2) {
            String schema = segments.get(count - 2);
            if (!schema.equals(NamePatterns.WILDCARD)) {
                if (table.schema() == null ? !conservative : !schema.equals(table.schema())) {
                    return false;
                }
            }
        }
        return count < 3 || conservative || segments.get(0).equals(NamePatterns.WILDCARD);
    }

    @Override
    public String toString() {
        return text;
    }
}
