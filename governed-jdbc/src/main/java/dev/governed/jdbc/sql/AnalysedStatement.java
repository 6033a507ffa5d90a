package dev.governed.jdbc.sql;

import dev.governed.policy.SqlOperation;
import dev.governed.policy.SqlStatementFacts;
import dev.governed.policy.TableName;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One statement of a SQL text. Tables keep the schema the text gave, or a null
 * schema when it gave none; {@link #resolve} fills that in from the connection.
 *
 * @param hasWhere whether an UPDATE or DELETE restricts its rows (true where the question does not apply)
 * @param columns  columns referenced, per clause, for masking
 */
public record AnalysedStatement(
        SqlOperation operation,
        Set<TableName> tablesRead,
        Set<TableName> tablesWritten,
        boolean hasWhere,
        Map<Clause, Set<ColumnRef>> columns) {

    public AnalysedStatement {
        tablesRead = Set.copyOf(tablesRead);
        tablesWritten = Set.copyOf(tablesWritten);
        columns = Map.copyOf(columns);
    }

    /** The facts policy decides on, with unqualified tables placed in {@code currentSchema} (null if unknown). */
    public SqlStatementFacts resolve(String currentSchema) {
        return new SqlStatementFacts(
                operation, qualify(tablesRead, currentSchema), qualify(tablesWritten, currentSchema), hasWhere);
    }

    private static Set<TableName> qualify(Set<TableName> tables, String currentSchema) {
        return tables.stream()
                .map(each -> each.schema() == null && currentSchema != null
                        ? TableName.of(currentSchema, each.name())
                        : each)
                .collect(Collectors.toUnmodifiableSet());
    }
}
