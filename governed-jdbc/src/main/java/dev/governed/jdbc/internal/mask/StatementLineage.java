package dev.governed.jdbc.internal.mask;

import java.util.List;
import java.util.Set;

/**
 * Where the data of one statement comes from and goes: computed once per statement text
 * and cached; deciding on it for a caller's masks is then a few lookups.
 *
 * @param outputs            the columns of the rows it returns (a query or RETURNING), or empty
 * @param returnsRows        whether it returns rows at all
 * @param uses               source columns it compares, filters, sorts or groups by
 * @param copies             source columns whose values it writes somewhere (INSERT … SELECT, CREATE TABLE AS …)
 * @param unresolved         references lineage could not resolve, described for an error message
 * @param unknownFunctions   functions Governed does not know (user-defined ones among them)
 * @param opaqueReason       non-null when the statement cannot be traced at all
 * @param usesCatalog        whether columns were listed from database metadata ({@code *}, NATURAL JOIN, whole rows)
 * @param untracedNames      identifiers of the text the walk never resolved as a column, alias or target: a
 *                           safety net that denies a masked column's name appearing somewhere lineage missed
 * @param reads              every source column the statement reads anywhere, even where its value does not
 *                           come out ({@code count(*)} over a subquery casting it): the database's error text
 *                           may still quote it
 */
public record StatementLineage(
        List<OutputColumn> outputs,
        boolean returnsRows,
        Set<Use> uses,
        Set<Flow> copies,
        List<String> unresolved,
        Set<String> unknownFunctions,
        String opaqueReason,
        boolean usesCatalog,
        Set<String> untracedNames,
        Set<SourceColumn> reads) {

    public StatementLineage {
        outputs = List.copyOf(outputs);
        uses = Set.copyOf(uses);
        copies = Set.copyOf(copies);
        unresolved = List.copyOf(unresolved);
        unknownFunctions = Set.copyOf(unknownFunctions);
        untracedNames = Set.copyOf(untracedNames);
        reads = Set.copyOf(reads);
    }

    static StatementLineage opaque(String reason) {
        return new StatementLineage(List.of(), false, Set.of(), Set.of(), List.of(), Set.of(), reason, false, Set.of(),
                Set.of());
    }

    /** A statement that moves no data: SET, COMMIT, DROP, CREATE TABLE without AS, … */
    static StatementLineage none() {
        return new StatementLineage(List.of(), false, Set.of(), Set.of(), List.of(), Set.of(), null, false, Set.of(),
                Set.of());
    }
}
