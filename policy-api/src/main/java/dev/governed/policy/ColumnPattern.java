package dev.governed.policy;

import java.util.List;
import java.util.Objects;

/**
 * A column pattern {@code [schema.]table.column} ({@code public.customers.ssn},
 * {@code *.email}), with the same segment rules as {@link TablePattern}.
 *
 * @param text     the pattern as written in the document
 * @param segments unquoted, lower-cased segments; {@code "*"} for a wildcard
 */
public record ColumnPattern(String text, List<String> segments) {

    static final String SHAPE = "a column pattern [schema.]table.column of 2 or 3 segments, e.g. public.customers.ssn or *.email";

    public ColumnPattern {
        Objects.requireNonNull(text, "text");
        segments = List.copyOf(segments);
        if (segments.size() < 2 || segments.size() > 3) {
            throw new IllegalArgumentException("a column pattern has 2 or 3 segments");
        }
    }

    /** @throws IllegalArgumentException naming what is wrong with the pattern */
    public static ColumnPattern parse(String text) {
        return new ColumnPattern(text, NamePatterns.split(text, 2, 3, SHAPE));
    }

    /**
     * Whether this pattern covers {@code column} of {@code table} (the column name already
     * unquoted; it is compared case-insensitively). Masking errs towards masking: a named
     * schema matches a table whose schema is unknown.
     */
    public boolean matches(TableName table, String column) {
        int count = segments.size();
        if (!NamePatterns.segmentMatches(segments.get(count - 1), column.toLowerCase(java.util.Locale.ROOT))
                || !NamePatterns.segmentMatches(segments.get(count - 2), table.name())) {
            return false;
        }
        return count < 3 || table.schema() == null || NamePatterns.segmentMatches(segments.get(0), table.schema());
    }

    /** Whether this pattern may cover some column of {@code table}: its table part matches, whatever the column. */
    public boolean mayCover(TableName table) {
        int count = segments.size();
        if (!NamePatterns.segmentMatches(segments.get(count - 2), table.name())) {
            return false;
        }
        return count < 3 || table.schema() == null || NamePatterns.segmentMatches(segments.get(0), table.schema());
    }

    @Override
    public String toString() {
        return text;
    }
}
