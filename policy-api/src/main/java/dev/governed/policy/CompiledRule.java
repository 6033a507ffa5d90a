package dev.governed.policy;

/** One SQL rule prepared for evaluation: operations as a bit mask, patterns pre-split and lower-cased. */
final class CompiledRule {
    final Rule rule;
    final Effect effect;
    private final When when;
    private final long operations;
    private final TablePattern[] tables;
    private final SqlMatch.Where where;
    /** Allow rules hand out the same decision object every time. */
    final Decision.Allow allowDecision;

    CompiledRule(Rule rule, long policyVersion) {
        this.rule = rule;
        this.effect = rule.effect();
        this.when = rule.when();
        this.operations = operationMask(rule);
        this.tables = rule.sql().tables().toArray(new TablePattern[0]);
        this.where = rule.sql().where();
        this.allowDecision = effect == Effect.ALLOW
                ? new Decision.Allow(rule.id(), rule.reason() != null ? rule.reason() : "allowed by rule " + rule.id(),
                policyVersion)
                : null;
    }

    /**
     * Privileged operations match only when named, except on deny rules: a deny rule without
     * {@code operations} denies everything its {@code when} covers, privileged operations included.
     */
    private static long operationMask(Rule rule) {
        long mask = 0;
        if (!rule.sql().operations().isEmpty()) {
            for (SqlOperation each : rule.sql().operations()) {
                mask |= 1L << each.ordinal();
            }
            return mask;
        }
        for (SqlOperation each : SqlOperation.values()) {
            if (!each.isPrivileged() || rule.effect() == Effect.DENY) {
                mask |= 1L << each.ordinal();
            }
        }
        return mask;
    }

    /** Whether this rule could let this caller run an operation that is not a {@linkplain SqlOperation#isRead() read}. */
    boolean mayAllowWrites(Caller caller, String resource, String environment) {
        return effect != Effect.DENY && (operations & ~READ_OPERATIONS) != 0 && when.matches(caller, resource, environment);
    }

    private static final long READ_OPERATIONS = readOperations();

    private static long readOperations() {
        long mask = 0;
        for (SqlOperation each : SqlOperation.values()) {
            if (each.isRead()) {
                mask |= 1L << each.ordinal();
            }
        }
        return mask;
    }

    boolean matches(SqlRequest request, SqlStatementFacts statement) {
        if ((operations & (1L << statement.operation().ordinal())) == 0) {
            return false;
        }
        if (where == SqlMatch.Where.ABSENT ? statement.hasWhere()
                : where == SqlMatch.Where.PRESENT && !statement.hasWhere()) {
            return false;
        }
        return when.matches(request.caller(), request.resource(), request.environment()) && tablesMatch(statement);
    }

    /** Allow rules must cover every table the statement touches; deny and approve rules any one of them. */
    private boolean tablesMatch(SqlStatementFacts statement) {
        if (tables.length == 0) {
            return true;
        }
        if (effect == Effect.ALLOW) {
            for (TableName each : statement.tablesRead()) {
                if (!coveredStrictly(each)) {
                    return false;
                }
            }
            for (TableName each : statement.tablesWritten()) {
                if (!coveredStrictly(each)) {
                    return false;
                }
            }
            return true;
        }
        for (TableName each : statement.tablesRead()) {
            if (coveredConservatively(each)) {
                return true;
            }
        }
        for (TableName each : statement.tablesWritten()) {
            if (coveredConservatively(each)) {
                return true;
            }
        }
        return false;
    }

    private boolean coveredStrictly(TableName table) {
        for (TablePattern each : tables) {
            if (each.matchesStrictly(table)) {
                return true;
            }
        }
        return false;
    }

    private boolean coveredConservatively(TableName table) {
        for (TablePattern each : tables) {
            if (each.matchesConservatively(table)) {
                return true;
            }
        }
        return false;
    }
}
