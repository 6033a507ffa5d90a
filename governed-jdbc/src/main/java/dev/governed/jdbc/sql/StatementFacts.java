package dev.governed.jdbc.sql;

import dev.governed.policy.SqlOperation;
import dev.governed.policy.TableName;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/** What one statement does, gathered while walking. */
final class StatementFacts {
    SqlOperation operation;
    final Set<TableName> read = new LinkedHashSet<>();
    final Set<TableName> written = new LinkedHashSet<>();
    private final Map<Clause, Set<ColumnRef>> columns = new EnumMap<>(Clause.class);
    boolean hasWhere = true;
    int columnsSeen;
    String privilegedFunction;

    void column(Clause clause, String qualifier, String name) {
        columns.computeIfAbsent(clause, any -> new LinkedHashSet<>()).add(new ColumnRef(qualifier, name));
    }

    AnalysedStatement toStatement() {
        // A privileged function makes the whole statement privileged, whatever it looks like.
        SqlOperation result = privilegedFunction != null ? SqlOperation.EXECUTE : operation;
        Map<Clause, Set<ColumnRef>> copy = new EnumMap<>(Clause.class);
        columns.forEach((clause, refs) -> copy.put(clause, Set.copyOf(refs)));
        return new AnalysedStatement(result, read, written, hasWhere, copy);
    }
}
