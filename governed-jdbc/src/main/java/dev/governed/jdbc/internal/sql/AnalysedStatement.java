package dev.governed.jdbc.internal.sql;

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
 * @param builtIns unqualified names of the built-in functions it calls (lower case): trusted as
 *                 built-ins only while no function of the same name exists outside the vendor's catalog
 * @param liftsReadOnly whether it may make the session or a transaction read-write (BEGIN READ WRITE,
 *                 SET default_transaction_read_only, RESET ALL …), refused while the session is held read-only
 */
public record AnalysedStatement(
        SqlOperation operation,
        Set<TableName> tablesRead,
        Set<TableName> tablesWritten,
        boolean hasWhere,
        Map<Clause, Set<ColumnRef>> columns,
        Set<String> builtIns,
        boolean liftsReadOnly) {

    public AnalysedStatement {
        tablesRead = Set.copyOf(tablesRead);
        tablesWritten = Set.copyOf(tablesWritten);
        columns = Map.copyOf(columns);
        builtIns = Set.copyOf(builtIns);
    }

    public AnalysedStatement(SqlOperation operation, Set<TableName> tablesRead, Set<TableName> tablesWritten,
                             boolean hasWhere, Map<Clause, Set<ColumnRef>> columns) {
        this(operation, tablesRead, tablesWritten, hasWhere, columns, Set.of(), false);
    }

    /** The same statement under another operation (a wrapper's, or EXECUTE once a call is found untrusted). */
    public AnalysedStatement as(SqlOperation other) {
        return new AnalysedStatement(other, tablesRead, tablesWritten, hasWhere, columns, builtIns, liftsReadOnly);
    }

    AnalysedStatement liftingReadOnly() {
        return new AnalysedStatement(operation, tablesRead, tablesWritten, hasWhere, columns, builtIns, true);
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
