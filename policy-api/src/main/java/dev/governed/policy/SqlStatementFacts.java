package dev.governed.policy;

import java.util.Set;

/**
 * What policy needs to know about one statement of a (possibly multi-statement)
 * SQL text. Table names are already resolved against the connection's schema.
 *
 * @param hasWhere whether an UPDATE or DELETE restricts its rows; true for
 *                 operations where the question does not apply
 */
public record SqlStatementFacts(
        SqlOperation operation, Set<TableName> tablesRead, Set<TableName> tablesWritten, boolean hasWhere) {
    public SqlStatementFacts {
        tablesRead = Set.copyOf(tablesRead);
        tablesWritten = Set.copyOf(tablesWritten);
    }
}
