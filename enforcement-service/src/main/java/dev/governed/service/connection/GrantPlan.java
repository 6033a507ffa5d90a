package dev.governed.service.connection;

import dev.governed.policy.Caller;
import dev.governed.policy.CompiledPolicy;
import dev.governed.policy.Decision;
import dev.governed.policy.MaskRule;
import dev.governed.policy.SqlOperation;
import dev.governed.policy.SqlRequest;
import dev.governed.policy.SqlStatementFacts;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The privileges a minted login gets: for every relation of the target's catalog, each of SELECT, INSERT, UPDATE,
 * DELETE and TRUNCATE that the caller's policy allows outright on it (never one that is denied or needs approval).
 * Where a mask hides columns from this caller, SELECT covers only the other columns, and the masked values are
 * reachable through a view in the login's masking schema that applies the mask in SQL.
 *
 * <p>A grant is per table: conditions the database cannot express (an UPDATE only with a WHERE clause) stay the
 * library's to enforce.
 */
record GrantPlan(List<TableGrant> tables, List<MaskView> views) {
    static final List<SqlOperation> GRANTABLE = List.of(SqlOperation.SELECT, SqlOperation.INSERT, SqlOperation.UPDATE,
            SqlOperation.DELETE, SqlOperation.TRUNCATE);

    /**
     * @param readable the columns SELECT covers when some are masked; empty when SELECT covers the whole relation
     * @param sequences the sequences INSERT draws from (granted USAGE with INSERT)
     */
    record TableGrant(TargetCatalog.Relation relation, Set<SqlOperation> operations, List<String> readable, List<String> masked,
                      List<String> sequences) {}

    /** A masking view: {@code schema.name} over {@code relation}, one SQL expression per column. */
    record MaskView(TargetCatalog.Relation relation, String name, Map<String, String> columns) {}

    GrantPlan {
        tables = List.copyOf(tables);
        views = List.copyOf(views);
    }

    static GrantPlan derive(CompiledPolicy policy, Caller caller, String resource, String environment, TargetCatalog catalog) {
        List<TableGrant> tables = new ArrayList<>();
        List<TargetCatalog.Relation> maskedRelations = new ArrayList<>();
        Map<TargetCatalog.Relation, Map<String, MaskRule>> masks = new HashMap<>();
        for (TargetCatalog.Relation each : catalog.relations()) {
            Set<SqlOperation> operations = EnumSet.noneOf(SqlOperation.class);
            for (SqlOperation operation : GRANTABLE) {
                if ((operation == SqlOperation.SELECT || !each.isMaterialised()) && allows(policy, caller, resource, environment, each, operation)) {
                    operations.add(operation);
                }
            }
            if (operations.isEmpty()) {
                continue;
            }
            List<String> readable = new ArrayList<>();
            List<String> masked = new ArrayList<>();
            Map<String, MaskRule> columnMasks = new LinkedHashMap<>();
            for (String column : each.columns()) {
                MaskRule mask = policy.maskFor(caller, resource, environment, each.table(), column.toLowerCase(Locale.ROOT));
                if (mask == null) {
                    readable.add(column);
                } else {
                    masked.add(column);
                    columnMasks.put(column, mask);
                }
            }
            if (masked.isEmpty()) {
                readable.clear();
            } else if (operations.contains(SqlOperation.SELECT)) {
                maskedRelations.add(each);
                masks.put(each, columnMasks);
            }
            List<String> sequences = operations.contains(SqlOperation.INSERT)
                    ? catalog.sequences().getOrDefault(each.quoted(), List.of()) : List.of();
            tables.add(new TableGrant(each, Set.copyOf(operations), List.copyOf(readable), List.copyOf(masked), List.copyOf(sequences)));
        }
        Map<String, Long> sameName = maskedRelations.stream().collect(Collectors.groupingBy(TargetCatalog.Relation::name, Collectors.counting()));
        List<MaskView> views = new ArrayList<>();
        for (TargetCatalog.Relation each : maskedRelations) {
            String name = sameName.get(each.name()) > 1 ? each.schema() + "_" + each.name() : each.name();
            Map<String, String> columns = new LinkedHashMap<>();
            Map<String, MaskRule> columnMasks = masks.get(each);
            for (String column : each.columns()) {
                MaskRule mask = columnMasks.get(column);
                String quoted = Sql.identifier(column);
                columns.put(column, mask == null ? quoted : MaskSql.expression(mask, quoted));
            }
            views.add(new MaskView(each, name, columns));
        }
        return new GrantPlan(tables, views);
    }

    private static boolean allows(CompiledPolicy policy, Caller caller, String resource, String environment, TargetCatalog.Relation relation,
                                  SqlOperation operation) {
        Set<dev.governed.policy.TableName> target = Set.of(relation.table());
        SqlStatementFacts facts = operation == SqlOperation.SELECT
                ? new SqlStatementFacts(operation, target, Set.of(), true)
                : new SqlStatementFacts(operation, Set.of(), target, true);
        return policy.evaluate(new SqlRequest(caller, resource, environment, List.of(facts))) instanceof Decision.Allow;
    }

    /** Schemas the login needs USAGE on. */
    List<String> schemas() {
        return tables.stream().map(each -> each.relation().schema()).distinct().toList();
    }

    /** One line for administrators and audit: {@code public.orders: select,insert; public.customers: select(id,name) masked(ssn)}. */
    String summary() {
        if (tables.isEmpty()) {
            return "no privileges";
        }
        return tables.stream().map(each -> {
            String operations = GRANTABLE.stream().filter(each.operations()::contains).map(SqlOperation::key).collect(Collectors.joining(","));
            String result = each.relation().schema() + "." + each.relation().name() + ": " + operations;
            if (!each.masked().isEmpty()) {
                result += " columns(" + String.join(",", each.readable()) + ") masked(" + String.join(",", each.masked()) + ")";
            }
            return result;
        }).collect(Collectors.joining("; "));
    }
}
