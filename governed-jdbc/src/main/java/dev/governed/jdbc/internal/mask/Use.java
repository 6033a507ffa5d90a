package dev.governed.jdbc.internal.mask;

/**
 * A source column whose value a statement compares, filters, sorts or groups by: it leaks
 * through which rows come back even when the column is never returned.
 *
 * @param clause   where, e.g. {@code WHERE}, {@code JOIN}, {@code ORDER BY}, {@code DISTINCT}
 * @param equality whether it is only compared for (in)equality with {@code =}, {@code <>} or {@code IN}
 */
public record Use(SourceColumn source, String clause, boolean equality) {}
