package dev.governed.jdbc.internal.sql;

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
    /** Unqualified (or pg_catalog) calls the analysis trusts as built-ins, for the connection to check against its catalog. */
    final Set<String> builtIns = new LinkedHashSet<>();
    /** nextval, setval, NEXT VALUE FOR: the statement advances a sequence. */
    boolean advancesSequence;
    /** SELECT … FOR UPDATE / FOR SHARE: the statement locks the rows it reads. */
    boolean locksRows;

    void column(Clause clause, String qualifier, String name) {
        columns.computeIfAbsent(clause, any -> new LinkedHashSet<>()).add(new ColumnRef(qualifier, name));
    }

    AnalysedStatement toStatement() {
        // A privileged function makes the whole statement privileged, whatever it looks like.
        SqlOperation result = privilegedFunction != null ? SqlOperation.EXECUTE : operation;
        Set<TableName> writtenOrLocked = written;
        if (result == SqlOperation.SELECT && advancesSequence) {
            result = SqlOperation.NEXTVAL; // a query that changes a sequence
        } else if (result == SqlOperation.SELECT && locksRows) {
            result = SqlOperation.LOCK; // a row lock is a write: read-only transactions refuse it
            writtenOrLocked = new LinkedHashSet<>(read);
        }
        Map<Clause, Set<ColumnRef>> copy = new EnumMap<>(Clause.class);
        columns.forEach((clause, refs) -> copy.put(clause, Set.copyOf(refs)));
        return new AnalysedStatement(result, read, writtenOrLocked, hasWhere, copy, builtIns, false);
    }
}
