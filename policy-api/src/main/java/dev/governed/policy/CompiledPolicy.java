package dev.governed.policy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * A {@link PolicyDocument} prepared for fast evaluation. Compile once per document
 * revision; {@link #evaluate} is thread-safe, takes no locks and, on the allow path,
 * allocates nothing beyond iterators the JIT usually removes.
 */
public final class CompiledPolicy {
    private static final String DEFAULT_RULE = "default";

    private final PolicyDocument document;
    /** Deny rules first, then approve, then allow, each in document order: the first match decides. */
    private final CompiledRule[] rules;
    private final CompiledHttpRule[] httpRules;
    private final Decision.Allow defaultAllow;

    private CompiledPolicy(PolicyDocument document) {
        this.document = document;
        List<CompiledRule> compiled = new ArrayList<>();
        for (Rule each : document.rules()) {
            compiled.add(new CompiledRule(each, document.version()));
        }
        compiled.sort(Comparator.comparingInt(CompiledPolicy::precedence));
        this.rules = compiled.toArray(new CompiledRule[0]);
        List<CompiledHttpRule> http = new ArrayList<>();
        for (HttpRule each : document.http()) {
            http.add(new CompiledHttpRule(each, document.version()));
        }
        http.sort(Comparator.comparingInt(each -> rank(each.effect)));
        this.httpRules = http.toArray(new CompiledHttpRule[0]);
        this.defaultAllow = new Decision.Allow(DEFAULT_RULE,
                "no rule matched; the policy's default effect is allow", document.version());
    }

    public static CompiledPolicy compile(PolicyDocument document) {
        return new CompiledPolicy(Objects.requireNonNull(document, "document"));
    }

    public PolicyDocument document() {
        return document;
    }

    public long version() {
        return document.version();
    }

    /**
     * Decides on every statement of the request. One denied statement denies the whole
     * request (the decision names that statement's rule); otherwise one statement needing
     * approval makes the whole request need approval; otherwise it is allowed.
     */
    public Decision evaluate(SqlRequest request) {
        List<SqlStatementFacts> statements = request.statements();
        int count = statements.size();
        if (count == 0) {
            return new Decision.Deny(DEFAULT_RULE, "the request contains no statement to evaluate", version());
        }
        CompiledRule approval = null;
        SqlStatementFacts approvalStatement = null;
        int approvalIndex = -1;
        Decision.Allow allowed = null;
        for (int i = 0; i < count; i++) {
            SqlStatementFacts statement = statements.get(i);
            CompiledRule winner = firstMatch(request, statement);
            if (winner == null) {
                if (document.defaultEffect() == Effect.DENY) {
                    return new Decision.Deny(DEFAULT_RULE, defaultDenyReason(request, statement, i), version());
                }
                if (allowed == null) {
                    allowed = defaultAllow;
                }
            } else if (winner.effect == Effect.DENY) {
                return new Decision.Deny(winner.rule.id(), ruleReason(winner, statement, i, count, "is denied by rule"),
                        version());
            } else if (winner.effect == Effect.APPROVE) {
                if (approval == null) {
                    approval = winner;
                    approvalStatement = statement;
                    approvalIndex = i;
                }
            } else if (allowed == null) {
                allowed = winner.allowDecision;
            }
        }
        if (approval != null) {
            return new Decision.Approve(approval.rule.id(),
                    ruleReason(approval, approvalStatement, approvalIndex, count, "needs approval by rule"),
                    version(), approval.rule.approval().approverGroups());
        }
        return allowed;
    }

    /**
     * Decides on one HTTP request with the {@code http} rules: deny overrides approve overrides
     * allow; when none matches, the document's default effect applies.
     */
    public Decision evaluate(HttpRequest request) {
        for (CompiledHttpRule each : httpRules) {
            if (each.matches(request)) {
                HttpRule rule = each.rule;
                return switch (each.effect) {
                    case ALLOW -> each.allowDecision;
                    case DENY -> new Decision.Deny(rule.id(), rule.reason() != null ? rule.reason()
                            : describe(request) + " is denied by rule " + rule.id(), version());
                    case APPROVE -> new Decision.Approve(rule.id(), rule.reason() != null ? rule.reason()
                            : describe(request) + " needs approval by rule " + rule.id(), version(),
                            rule.approval().approverGroups());
                };
            }
        }
        if (document.defaultEffect() == Effect.DENY) {
            String subject = request.caller().subject() == null ? "an unnamed caller" : request.caller().subject();
            return new Decision.Deny(DEFAULT_RULE, "no http rule allows " + describe(request) + " for " + subject
                    + (request.resource() == null ? "" : " on resource " + request.resource())
                    + (request.environment() == null ? "" : " in " + request.environment()), version());
        }
        return defaultAllow;
    }

    /** The {@code http} rule with this id, for the approval it names; null when there is none. */
    public HttpRule httpRule(String id) {
        for (CompiledHttpRule each : httpRules) {
            if (each.rule.id().equals(id)) {
                return each.rule;
            }
        }
        return null;
    }

    private static String describe(HttpRequest request) {
        return request.method() + " " + request.path();
    }

    private static int rank(Effect effect) {
        return switch (effect) {
            case DENY -> 0;
            case APPROVE -> 1;
            case ALLOW -> 2;
        };
    }

    /**
     * Whether any statement this caller may run on {@code resource} (allowed, or allowed after
     * approval) could change data or run code. When not, the connection can be made read-only at
     * the database, so a write the analysis misses still fails there.
     */
    public boolean allowsWrites(Caller caller, String resource, String environment) {
        if (document.defaultEffect() != Effect.DENY) {
            return true;
        }
        for (CompiledRule each : rules) {
            if (each.mayAllowWrites(caller, resource, environment)) {
                return true;
            }
        }
        return false;
    }

    /** Whether the document masks any SQL column at all, so callers can skip masking work entirely. */
    public boolean hasMasks() {
        return !document.masks().isEmpty();
    }

    /**
     * The mask for one result column, or null when this caller may see it in clear. The
     * first mask in document order that covers the column and does not exempt the caller
     * applies; an exemption in one mask does not lift another mask on the same column.
     *
     * @param column the column's unquoted name, compared case-insensitively
     */
    public MaskRule maskFor(Caller caller, String resource, String environment, TableName table, String column) {
        for (MaskRule each : document.masks()) {
            if (each.appliesTo(resource) && !each.exempts(caller, resource, environment)) {
                for (ColumnPattern pattern : each.columns()) {
                    if (pattern.matches(table, column)) {
                        return each;
                    }
                }
            }
        }
        return null;
    }

    /** The {@code httpMasks} that apply to this caller's responses from this resource, in document order. */
    public List<HttpMask> httpMasksFor(Caller caller, String resource, String environment) {
        List<HttpMask> result = new ArrayList<>();
        for (HttpMask each : document.httpMasks()) {
            if (each.appliesTo(resource) && !each.exempts(caller, resource, environment)) {
                result.add(each);
            }
        }
        return result;
    }

    private CompiledRule firstMatch(SqlRequest request, SqlStatementFacts statement) {
        for (CompiledRule each : rules) {
            if (each.matches(request, statement)) {
                return each;
            }
        }
        return null;
    }

    private static int precedence(CompiledRule rule) {
        return switch (rule.effect) {
            case DENY -> 0;
            case APPROVE -> 1;
            case ALLOW -> 2;
        };
    }

    private static String ruleReason(CompiledRule rule, SqlStatementFacts statement, int index, int count,
                                     String verb) {
        if (rule.rule.reason() != null) {
            return rule.rule.reason();
        }
        return describe(statement) + " " + verb + " " + rule.rule.id() + position(index, count);
    }

    private String defaultDenyReason(SqlRequest request, SqlStatementFacts statement, int index) {
        StringBuilder result = new StringBuilder("no rule allows ").append(describe(statement))
                .append(" for ").append(request.caller().describe());
        if (request.resource() != null) {
            result.append(" on resource ").append(request.resource());
        }
        if (request.environment() != null) {
            result.append(" in ").append(request.environment());
        }
        result.append(position(index, request.statements().size()));
        if (statement.operation().isPrivileged()) {
            result.append("; ").append(statement.operation().key())
                    .append(" is privileged and is allowed only by a rule that lists it in sql.operations");
        }
        return result.toString();
    }

    /** {@code delete on public.orders}, tables sorted so messages are stable. */
    private static String describe(SqlStatementFacts statement) {
        TreeSet<String> tables = new TreeSet<>();
        statement.tablesRead().forEach(each -> tables.add(each.qualified()));
        statement.tablesWritten().forEach(each -> tables.add(each.qualified()));
        String operation = statement.operation().key();
        return tables.isEmpty() ? operation : operation + " on " + String.join(", ", tables);
    }

    private static String position(int index, int count) {
        return count == 1 ? "" : " (statement " + (index + 1) + " of " + count + ")";
    }
}
