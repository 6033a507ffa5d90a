package dev.governed.jdbc.internal.sql;

/**
 * A column as the text names it, unquoted and lower-cased. {@code qualifier} is
 * the table name or alias written before it, or null.
 */
public record ColumnRef(String qualifier, String column) {}
