package dev.governed.service.connection;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.governed.policy.Caller;
import dev.governed.policy.CompiledPolicy;
import dev.governed.policy.Decision;
import dev.governed.policy.SqlOperation;
import dev.governed.policy.SqlRequest;
import dev.governed.policy.SqlStatementFacts;
import dev.governed.policy.TableName;
import dev.governed.service.web.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What one approval adds to a minted login: for each relation, the operations the approval's rule sends to approval
 * for this caller (never one the policy allows, which the login already holds, or denies). For a once-approval, only
 * the tables and operations the approved statement touches. SELECT leaves out the columns a mask hides from the
 * caller, as the login's own grants do; INSERT also covers the sequences behind serial columns.
 */
record ApprovalPrivileges(List<Table> tables) {
    /** No privileges: what an approval gets when nothing in the catalog matches. */
    static final ApprovalPrivileges NONE = new ApprovalPrivileges(List.of());

    /**
     * @param operations SQL keywords (INSERT, UPDATE, ...)
     * @param columns    the columns SELECT covers when a mask hides others; empty when SELECT covers the relation
     * @param sequences  quoted names of the sequences INSERT draws from
     */
    record Table(String schema, String name, List<String> operations, List<String> columns, List<String> sequences) {
        private static final Set<String> KEYWORDS = Set.of("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE");

        Table {
            if (!KEYWORDS.containsAll(operations)) {
                throw new IllegalArgumentException("not a grantable table privilege: " + operations);
            }
            operations = List.copyOf(operations);
            columns = List.copyOf(columns);
            sequences = List.copyOf(sequences);
        }

        String quoted() {
            return Sql.identifier(schema) + "." + Sql.identifier(name);
        }
    }

    ApprovalPrivileges {
        tables = List.copyOf(tables);
    }

    /** One operation a statement does on one table. */
    record Touch(TableName table, SqlOperation operation) {}

    /**
     * @param touched for a once-approval, what the approved statement does to which tables, which narrows the grant; null
     *                for a window, which covers every statement the rule matches
     */
    static ApprovalPrivileges derive(CompiledPolicy policy, Caller caller, String resource, String environment, String rule,
                                     Set<Touch> touched, TargetCatalog catalog) {
        List<Table> tables = new ArrayList<>();
        for (TargetCatalog.Relation each : catalog.relations()) {
            List<String> operations = new ArrayList<>();
            for (SqlOperation operation : GrantPlan.GRANTABLE) {
                boolean needed = touched == null || touched.contains(new Touch(each.table(), operation));
                if (needed && (operation == SqlOperation.SELECT || !each.isMaterialised())
                        && approvedBy(policy, caller, resource, environment, each, operation, rule)) {
                    operations.add(operation.key().toUpperCase(Locale.ROOT));
                }
            }
            if (operations.isEmpty()) {
                continue;
            }
            List<String> readable = new ArrayList<>();
            boolean masked = false;
            for (String column : each.columns()) {
                if (policy.maskFor(caller, resource, environment, each.table(), column.toLowerCase(Locale.ROOT)) == null) {
                    readable.add(column);
                } else {
                    masked = true;
                }
            }
            if (operations.contains("SELECT") && masked && readable.isEmpty()) {
                operations.remove("SELECT"); // every column masked: the clear values stay out of reach
            }
            List<String> sequences = operations.contains("INSERT") ? catalog.sequences().getOrDefault(each.quoted(), List.of()) : List.of();
            if (!operations.isEmpty()) {
                tables.add(new Table(each.schema(), each.name(), operations, masked ? readable : List.of(), sequences));
            }
        }
        return new ApprovalPrivileges(tables);
    }

    private static boolean approvedBy(CompiledPolicy policy, Caller caller, String resource, String environment,
                                      TargetCatalog.Relation relation, SqlOperation operation, String rule) {
        Set<TableName> target = Set.of(relation.table());
        SqlStatementFacts facts = operation == SqlOperation.SELECT
                ? new SqlStatementFacts(operation, target, Set.of(), true)
                : new SqlStatementFacts(operation, Set.of(), target, true);
        return policy.evaluate(new SqlRequest(caller, resource, environment, List.of(facts))) instanceof Decision.Approve approve
                && approve.ruleId().equals(rule);
    }

    boolean isEmpty() {
        return tables.isEmpty();
    }

    /** One line for audit: {@code public.orders: INSERT; public.customers: SELECT(id,name)}. */
    String summary() {
        if (tables.isEmpty()) {
            return "no privileges";
        }
        return tables.stream().map(each -> each.schema() + "." + each.name() + ": " + each.operations().stream()
                .map(operation -> operation.equals("SELECT") && !each.columns().isEmpty()
                        ? "SELECT(" + String.join(",", each.columns()) + ")" : operation)
                .collect(Collectors.joining(","))).collect(Collectors.joining("; "));
    }

    String json() {
        return Json.write(tables);
    }

    static ApprovalPrivileges fromJson(String json) {
        try {
            return new ApprovalPrivileges(Json.mapper().readValue(json, new TypeReference<List<Table>>() {}));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored approval privileges are not readable JSON: " + e.getOriginalMessage(), e);
        }
    }
}
