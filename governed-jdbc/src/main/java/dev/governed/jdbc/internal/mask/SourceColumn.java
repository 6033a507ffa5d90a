package dev.governed.jdbc.internal.mask;

import dev.governed.policy.TableName;

/** A column of a base table a value comes from; the table's schema is null when the SQL left it out. */
public record SourceColumn(TableName table, String column) {

    @Override
    public String toString() {
        return table.qualified() + "." + column;
    }
}
