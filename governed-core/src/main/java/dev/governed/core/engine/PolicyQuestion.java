package dev.governed.core.engine;

import dev.governed.policy.Caller;
import dev.governed.policy.ColumnPattern;
import dev.governed.policy.CompiledPolicy;
import dev.governed.policy.Decision;
import dev.governed.policy.HttpMask;
import dev.governed.policy.HttpRequest;
import dev.governed.policy.MaskRule;
import dev.governed.policy.SqlRequest;
import dev.governed.policy.SqlStatementFacts;
import dev.governed.policy.TableName;
import java.util.ArrayList;
import java.util.List;

/**
 * What a transport asks of one policy snapshot: its decision for the request, and the masks
 * that apply to the caller's result. The engine asks both of the same snapshot.
 */
public interface PolicyQuestion {

    Decision decide(CompiledPolicy policy, Caller caller, String resource, String environment);

    List<MaskSpec> masks(CompiledPolicy policy, Caller caller, String resource, String environment);

    /** False when the answer does not depend on the policy, so none is fetched. */
    default boolean needsPolicy() {
        return true;
    }

    /**
     * Whether the request's literals may be values a mask of {@code policy} hides, so that a refusal decided
     * before the masks were traced is recorded without them. Exemptions are not weighed: it errs towards
     * leaving literals out.
     */
    default boolean mayQuoteMasked(CompiledPolicy policy) {
        return false;
    }

    /**
     * SQL statements (the JDBC driver's facts): the policy's decision on all of them, and its column
     * masks that apply to this caller here, each target a column pattern such as {@code public.customers.ssn}.
     */
    static PolicyQuestion sql(List<SqlStatementFacts> statements) {
        List<SqlStatementFacts> facts = List.copyOf(statements);
        return new PolicyQuestion() {
            @Override
            public Decision decide(CompiledPolicy policy, Caller caller, String resource, String environment) {
                return policy.evaluate(new SqlRequest(caller, resource, environment, facts));
            }

            @Override
            public List<MaskSpec> masks(CompiledPolicy policy, Caller caller, String resource, String environment) {
                List<MaskSpec> result = new ArrayList<>();
                for (MaskRule each : policy.document().masks()) {
                    if (each.appliesTo(resource) && !each.exempts(caller, resource, environment)) {
                        result.add(new MaskSpec(each.columns().stream().map(Object::toString).toList(),
                                each.strategy(), each.options(), each));
                    }
                }
                return result;
            }

            @Override
            public boolean mayQuoteMasked(CompiledPolicy policy) {
                for (MaskRule mask : policy.document().masks()) {
                    for (ColumnPattern column : mask.columns()) {
                        for (SqlStatementFacts each : facts) {
                            if (mayCover(column, each.tablesRead()) || mayCover(column, each.tablesWritten())) {
                                return true;
                            }
                        }
                    }
                }
                return false;
            }
        };
    }

    private static boolean mayCover(ColumnPattern column, java.util.Set<TableName> tables) {
        for (TableName table : tables) {
            if (column.mayCover(table)) {
                return true;
            }
        }
        return false;
    }

    /**
     * A request the transport refuses on its own (outside every resource, an ambiguous path, …),
     * still admitted through the engine so the refusal is audited for the verified caller.
     */
    static PolicyQuestion refuse(String rule, String reason) {
        return new PolicyQuestion() {
            @Override
            public Decision decide(CompiledPolicy policy, Caller caller, String resource, String environment) {
                return new Decision.Deny(rule, reason, policy == null ? -1 : policy.version());
            }

            @Override
            public List<MaskSpec> masks(CompiledPolicy policy, Caller caller, String resource, String environment) {
                return List.of();
            }

            @Override
            public boolean needsPolicy() {
                return false;
            }
        };
    }

    /** An HTTP request: {@code method} upper-case, {@code path} already normalised. */
    static PolicyQuestion http(String method, String path) {
        return new PolicyQuestion() {
            @Override
            public Decision decide(CompiledPolicy policy, Caller caller, String resource, String environment) {
                return policy.evaluate(new HttpRequest(caller, resource, environment, method, path));
            }

            @Override
            public List<MaskSpec> masks(CompiledPolicy policy, Caller caller, String resource, String environment) {
                List<HttpMask> masks = policy.httpMasksFor(caller, resource, environment);
                if (masks.isEmpty()) {
                    return List.of();
                }
                List<MaskSpec> result = new ArrayList<>(masks.size());
                for (HttpMask each : masks) {
                    result.add(new MaskSpec(each.fields(), each.strategy(), each.options(), each));
                }
                return result;
            }
        };
    }
}
