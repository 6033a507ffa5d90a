package dev.governed.policy;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Short-hand for building requests in evaluator tests. */
final class Requests {
    private Requests() {
    }

    static Caller caller(String subject, String... groups) {
        return new Caller(subject, Set.of(groups));
    }

    /** Tables as "schema.name", or "name" for a table whose schema is unknown. */
    static Set<TableName> tables(String... names) {
        Set<TableName> result = new LinkedHashSet<>();
        for (String each : names) {
            int dot = each.indexOf('.');
            result.add(dot < 0 ? TableName.of(null, each) : TableName.of(each.substring(0, dot), each.substring(dot + 1)));
        }
        return result;
    }

    static SqlStatementFacts read(SqlOperation operation, String... tables) {
        return new SqlStatementFacts(operation, tables(tables), Set.of(), true);
    }

    static SqlStatementFacts write(SqlOperation operation, boolean hasWhere, String... tables) {
        return new SqlStatementFacts(operation, Set.of(), tables(tables), hasWhere);
    }

    static SqlStatementFacts readWrite(SqlOperation operation, List<String> read, List<String> written) {
        return new SqlStatementFacts(operation, tables(read.toArray(String[]::new)),
                tables(written.toArray(String[]::new)), true);
    }

    static SqlRequest request(Caller caller, String resource, String environment, SqlStatementFacts... statements) {
        return new SqlRequest(caller, resource, environment, Arrays.asList(statements));
    }
}
