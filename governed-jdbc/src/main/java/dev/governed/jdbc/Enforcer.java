package dev.governed.jdbc;

import dev.governed.audit.AuditEvent;
import dev.governed.audit.AuditException;
import dev.governed.audit.AuditIds;
import dev.governed.core.engine.AuditActors;
import dev.governed.core.identity.Identity;
import dev.governed.core.identity.InvalidTokenException;
import dev.governed.jdbc.internal.mask.MaskDeniedException;
import dev.governed.jdbc.internal.mask.MaskPlan;
import dev.governed.jdbc.internal.sql.AnalysedStatement;
import dev.governed.jdbc.internal.sql.StatementAnalysis;
import dev.governed.policy.CompiledPolicy;
import dev.governed.policy.Decision;
import dev.governed.policy.SqlOperation;
import dev.governed.policy.SqlRequest;
import dev.governed.policy.SqlStatementFacts;
import dev.governed.policy.TableName;
import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Decides whether a statement may run, and records one audit event for it either
 * way. Nothing here touches the database: a denied statement never reaches it.
 */
final class Enforcer {

    static final String AUDIT_UNAVAILABLE_STATE = "G0A02";
    private static final String NO_TOKEN_RULE = "authentication";
    private static final String UNANALYSABLE_RULE = "unanalysable";
    static final String MASKING_RULE = "masking";

    private final Governance governance;

    Enforcer(Governance governance) {
        this.governance = governance;
    }

    /** Admits the statement or throws the contract's exception after auditing the refusal. */
    Admission admit(String sql, StatementAnalysis analysis, List<SqlStatementFacts> facts, GovernedConnection connection)
            throws SQLException {
        return admit(sql, analysis, facts, connection, ApprovalStep.ParameterDigests.NONE);
    }

    /** The same, for a statement whose bound parameters an approval must match. */
    Admission admit(String sql, StatementAnalysis analysis, List<SqlStatementFacts> analysed, GovernedConnection connection,
                    ApprovalStep.ParameterDigests parameters) throws SQLException {
        return admit(sql, analysis, analysed, connection, parameters, null);
    }

    /**
     * What a prepared statement was last allowed: executed again by the same caller (the same verified
     * {@link Identity} instance, as the token cache keeps it) under the same policy snapshot with the same
     * facts, it is decided the same way, so an execution compares three references instead of deciding again.
     * Kept only for a plain allow without masks on its result: approvals, denials and masked plans (whose
     * lineage depends on the database's tables) are worked out at every execution.
     */
    static final class Verdicts {
        private Verdict last;
    }

    private record Verdict(CompiledPolicy policy, Identity identity, List<SqlStatementFacts> facts, Decision decision,
                           boolean mayWrite) {}

    /** The same, remembering a prepared statement's verdict in {@code verdicts} (null: decide afresh). */
    Admission admit(String sql, StatementAnalysis analysis, List<SqlStatementFacts> analysed, GovernedConnection connection,
                    ApprovalStep.ParameterDigests parameters, Verdicts verdicts) throws SQLException {
        long start = System.nanoTime();
        try {
            connection.checkLease();
        } catch (PolicyUnavailableException e) {
            refuse(sql, analysis, analysed, identityOrNull(connection), connection, start, "deny", "login-expired", e.getMessage(), null);
            throw e;
        }
        List<SqlStatementFacts> facts = analysis.isAnalysable() ? resolveCalls(analysis, analysed, connection) : analysed;
        if (!analysis.isAnalysable()) {
            Identity identity = identityOrNull(connection);
            String message = "Governed denied this statement: it could not be analysed: "
                    + analysis.unanalysableReason() + ".";
            refuse(sql, analysis, facts, identity, connection, start, "deny", UNANALYSABLE_RULE, message, null);
            throw new PolicyDeniedException(UNANALYSABLE_RULE, message);
        }
        VerifiedCaller caller;
        try {
            caller = connection.identities().current();
        } catch (InvalidTokenException e) {
            String message = "Governed refused the statement: " + e.getMessage();
            refuse(sql, analysis, facts, null, connection, start, "deny", NO_TOKEN_RULE, message, null);
            throw new TokenRejectedException(message, e);
        }
        Identity identity = caller.identity();
        CompiledPolicy policy; // one snapshot for the decision, the read-only mode and the masks
        Decision decision;
        Verdict known = verdicts == null ? null : verdicts.last;
        try {
            policy = governance.policy.policyFor(caller);
            if (known == null || known.policy() != policy || known.identity() != identity || known.facts() != facts) {
                known = null;
                decision = policy.evaluate(new SqlRequest(
                        identity.caller(), governance.target.resource(), governance.target.environment(), facts));
            } else {
                decision = known.decision();
            }
        } catch (PolicyUnavailableException e) {
            refuse(sql, analysis, facts, identity, connection, start, "deny", "policy-unavailable", e.getMessage(), null);
            throw e;
        }
        if (known != null) {
            holdSession(analysis, facts, known.mayWrite(), connection);
            return new Admission(sql, analysis, facts, identity, decision, connection.id(), start, MaskPlan.NONE, null);
        }
        if (decision instanceof Decision.Allow) {
            boolean mayWrite = readOnly(sql, analysis, facts, caller, policy, connection, start, decision);
            MaskPlan masks = masks(sql, analysis, caller, policy, connection, start, facts, decision);
            if (verdicts != null && masks == MaskPlan.NONE && !changesColumns(analysis)) {
                verdicts.last = new Verdict(policy, identity, facts, decision, mayWrite);
            }
            return new Admission(sql, analysis, facts, identity, decision, connection.id(), start, masks, null);
        }
        if (decision instanceof Decision.Approve && governance.approvals != null
                && parameters == ApprovalStep.ParameterDigests.SCREENING) {
            // asked at execution, when the parameters are bound
            return new Admission(sql, analysis, facts, identity, decision, connection.id(), start, MaskPlan.NONE, null);
        }
        if (decision instanceof Decision.Approve approve && governance.approvals != null) {
            String approval;
            try {
                approval = governance.approvals.pass(sql, analysis, facts, approve, caller, governance.target, parameters,
                        connection.mintedLogin());
            } catch (ApprovalStep.Refusal refusal) {
                refuse(sql, analysis, facts, identity, connection, start, refusal.effect, decision.ruleId(), refusal.getMessage(),
                        decision.policyVersion(), refusal.approvalId);
                throw refusal.thrown;
            }
            readOnly(sql, analysis, facts, caller, policy, connection, start, decision);
            MaskPlan masks = masks(sql, analysis, caller, policy, connection, start, facts, decision);
            return new Admission(sql, analysis, facts, identity, decision, connection.id(), start, masks, approval);
        }
        String message = decision instanceof Decision.Approve
                ? "Governed denied this statement: rule '" + decision.ruleId() + "' requires approval ("
                        + decision.reason() + "), and approvals are not enabled for this datasource: they are asked"
                        + " of the enforcement service, so set governed.policy to its URL or governed.approval.service."
                : "Governed denied this statement: rule '" + decision.ruleId() + "': " + decision.reason()
                        + " (policy version " + decision.policyVersion() + ")."
                        + " Ask a policy administrator if this access is needed.";
        refuse(sql, analysis, facts, identity, connection, start, decision.effect().key(), decision.ruleId(), message,
                decision.policyVersion(), null, mayMeetMask(policy, facts));
        throw new PolicyDeniedException(decision.ruleId(), message);
    }

    /**
     * Checks a text at prepare time: unanalysable text is refused now; when a caller is known, its
     * decision is taken now too (and again at execution, where the caller may differ).
     */
    void screen(String sql, StatementAnalysis analysis, GovernedConnection connection) throws SQLException {
        if (analysis.isAnalysable() && identityOrNull(connection) == null) {
            return;
        }
        admit(sql, analysis, facts(analysis, connection.currentSchema(), connection.catalogFirst()), connection,
                ApprovalStep.ParameterDigests.SCREENING);
    }

    /**
     * The facts as the database will run them: a statement whose call by a built-in's name (or
     * attribute notation) may reach a function defined in the database is an EXECUTE.
     */
    private List<SqlStatementFacts> resolveCalls(StatementAnalysis analysis, List<SqlStatementFacts> facts,
                                                 GovernedConnection connection) throws SQLException {
        List<AnalysedStatement> statements = analysis.statements();
        List<SqlStatementFacts> result = facts;
        for (int i = 0; i < statements.size() && i < facts.size(); i++) {
            AnalysedStatement each = statements.get(i);
            if (definesFunctions(each.operation())) {
                governance.userFunctions.invalidate();
            }
            AnalysedStatement resolved = governance.userFunctions.resolve(each, connection.connection);
            if (resolved != each) {
                if (result == facts) {
                    result = new ArrayList<>(facts);
                }
                SqlStatementFacts before = facts.get(i);
                result.set(i, new SqlStatementFacts(resolved.operation(), before.tablesRead(), before.tablesWritten(),
                        before.hasWhere()));
            }
        }
        return result == facts ? facts : List.copyOf(result);
    }

    /** Statements after which a function may exist that did not before (code can run DDL too). */
    private static boolean definesFunctions(SqlOperation operation) {
        return operation == SqlOperation.CREATE_FUNCTION || operation == SqlOperation.CREATE
                || operation == SqlOperation.ALTER || operation == SqlOperation.DROP || operation.isPrivileged();
    }

    /**
     * Holds the session read-only at the database while the caller's policy allows no write, or
     * while a caller who may write runs an autocommit statement that only reads; and refuses (audited, rule {@value #READ_ONLY_RULE}) a statement that would lift that.
     */
    /** Refuses a statement that would lift the read-only mode a caller without writes is held in; answers whether the caller may write. */
    private boolean readOnly(String sql, StatementAnalysis analysis, List<SqlStatementFacts> facts, VerifiedCaller caller,
                             CompiledPolicy policy, GovernedConnection connection, long start, Decision decision)
            throws SQLException {
        boolean mayWrite = policy.allowsWrites(caller.identity().caller(), governance.target.resource(),
                governance.target.environment());
        if (!mayWrite && liftsReadOnly(analysis)) {
            String message = "Governed denied this statement: your policy allows no writes on '"
                    + governance.target.resource() + "', so the session is held read-only, and this statement would"
                    + " make it read-write (READ WRITE, default_transaction_read_only, transaction_read_only, RESET ALL"
                    + " or DISCARD ALL). Leave the read-only mode as it is, or ask for a policy that allows writes.";
            refuse(sql, analysis, facts, caller.identity(), connection, start, "deny", READ_ONLY_RULE, message,
                    decision.policyVersion());
            throw new PolicyDeniedException(READ_ONLY_RULE, message);
        }
        holdSession(analysis, facts, mayWrite, connection);
        return mayWrite;
    }

    /** Puts the session in the read-only or read-write mode the statement and the caller's writes need. */
    private static void holdSession(StatementAnalysis analysis, List<SqlStatementFacts> facts, boolean mayWrite,
                                    GovernedConnection connection) throws SQLException {
        if (!onlyEndsTransaction(analysis)) {
            // Not for COMMIT or ROLLBACK alone: in an aborted transaction no SET can run, and ending it must stay possible.
            connection.readOnlySession().require(mayWrite, mayWrite ? SessionNeed.of(analysis, facts) : SessionNeed.EITHER);
        }
    }

    /** Before a batch whose entries were admitted one by one runs as one: read-write if any entry is not a read. */
    static void batchAdmitted(List<Admission> admissions, GovernedConnection connection) throws SQLException {
        for (Admission each : admissions) {
            if (SessionNeed.of(each.analysis(), each.facts()) == SessionNeed.WRITE) {
                connection.readOnlySession().releaseRead();
                return;
            }
        }
    }

    private static boolean onlyEndsTransaction(StatementAnalysis analysis) {
        for (AnalysedStatement each : analysis.statements()) {
            if (each.operation() != SqlOperation.COMMIT && each.operation() != SqlOperation.ROLLBACK) {
                return false;
            }
        }
        return true;
    }

    static final String READ_ONLY_RULE = "read-only";

    private static boolean liftsReadOnly(StatementAnalysis analysis) {
        for (AnalysedStatement each : analysis.statements()) {
            if (each.liftsReadOnly()) {
                return true;
            }
        }
        return false;
    }

    /**
     * How the result of an allowed statement is masked for this caller, or a refusal (audited, rule
     * {@value #MASKING_RULE}) when the statement would reveal a masked column.
     */
    private MaskPlan masks(String sql, StatementAnalysis analysis, VerifiedCaller caller, CompiledPolicy policy,
                           GovernedConnection connection, long start, List<SqlStatementFacts> facts, Decision decision)
            throws SQLException {
        if (changesColumns(analysis)) {
            governance.masking.invalidate();
        }
        if (onlySessionStatements(analysis)) {
            return MaskPlan.NONE; // BEGIN, SET, SHOW …: no table data flows, so there is nothing to trace
        }
        Identity identity = caller.identity();
        String message;
        try {
            return governance.masking.plan(sql, connection.currentSchema(), identity.caller(),
                    policy.document().masks(), connection.connection);
        } catch (MaskDeniedException e) {
            message = "Governed denied this statement: " + e.getMessage();
        } catch (RuntimeException e) {
            message = "Governed denied this statement: its masks could not be applied (" + e.getMessage() + ").";
        }
        refuse(sql, analysis, facts, identity, connection, start, "deny", MASKING_RULE, message,
                decision.policyVersion());
        throw new PolicyDeniedException(MASKING_RULE, message);
    }

    private static boolean onlySessionStatements(StatementAnalysis analysis) {
        for (AnalysedStatement each : analysis.statements()) {
            if (!SESSION_OPERATIONS.contains(each.operation()) || !each.tablesRead().isEmpty()
                    || !each.tablesWritten().isEmpty()) {
                return false;
            }
        }
        return true;
    }

    private static final Set<SqlOperation> SESSION_OPERATIONS = java.util.EnumSet.of(SqlOperation.BEGIN,
            SqlOperation.COMMIT, SqlOperation.ROLLBACK, SqlOperation.SAVEPOINT, SqlOperation.RELEASE, SqlOperation.SET,
            SqlOperation.RESET, SqlOperation.SHOW);

    private static boolean changesColumns(StatementAnalysis analysis) {
        for (AnalysedStatement each : analysis.statements()) {
            SqlOperation operation = each.operation();
            if (operation == SqlOperation.ALTER || operation == SqlOperation.DROP || operation == SqlOperation.CREATE) {
                return true;
            }
        }
        return false;
    }

    /**
     * Records the follow-up event of a masked result set, once it is closed or read to its end:
     * the statement's own event was recorded before any row was read, so it lists the masked
     * columns with 0 values; this one carries the rows read and the values masked per column.
     */
    void maskedValues(Admission admission, long rows, List<AuditEvent.Masking> masking, AuditEvent.Result result)
            throws SQLException {
        record(followUp(admission, rows, masking, result));
    }

    /**
     * Records the follow-up event of a result set without masks, with {@code governed.audit.results=digest}: the
     * rows read and their digest, naming the statement's own event.
     */
    void resultRead(Admission admission, long rows, AuditEvent.Result result) throws SQLException {
        record(followUp(admission, rows, List.of(), result));
    }

    /** Outcome status of a masked result set's follow-up event, so it is never mistaken for another execution. */
    static final String READ_STATUS = "read";

    /** Records the event of an admitted statement that ran; {@code rows} is null when unknown. */
    void completed(Admission admission, Long rows) throws SQLException {
        try {
            record(event(admission, "ok", rows, null));
        } finally {
            ran(admission);
        }
    }

    void failed(Admission admission, SQLException error) throws SQLException {
        try {
            record(event(admission, "error", null, error.getClass().getSimpleName() + ": " + error.getMessage()));
        } finally {
            ran(admission);
        }
    }

    /** A once-approval's statement has run: the service takes back what the approval granted the session's login. */
    private void ran(Admission admission) {
        if (admission.approval() != null && governance.approvals != null) {
            governance.approvals.ran(admission.approval());
        }
    }

    /**
     * The facts of each statement, with unqualified tables placed in the connection's schema. After
     * a {@code SET} in the same text the schema may have changed, so later names stay unresolved.
     */
    static List<SqlStatementFacts> facts(StatementAnalysis analysis, String currentSchema) {
        return facts(analysis, currentSchema, Set.of());
    }

    /**
     * The same, with unqualified names of {@code catalogFirst} placed in pg_catalog, where PostgreSQL
     * finds them before any schema: a rule on {@code public.*} must not allow {@code pg_authid}.
     */
    static List<SqlStatementFacts> facts(StatementAnalysis analysis, String currentSchema, Set<String> catalogFirst) {
        List<SqlStatementFacts> result = new ArrayList<>(analysis.statements().size());
        String schema = currentSchema;
        for (AnalysedStatement each : analysis.statements()) {
            result.add(catalogFirst.isEmpty() ? each.resolve(schema) : new SqlStatementFacts(each.operation(),
                    place(each.tablesRead(), schema, catalogFirst), place(each.tablesWritten(), schema, catalogFirst),
                    each.hasWhere()));
            if (changesSession(each.operation())) {
                schema = null;
            }
        }
        return List.copyOf(result);
    }

    private static Set<TableName> place(Set<TableName> tables, String schema, Set<String> catalogFirst) {
        Set<TableName> result = new java.util.HashSet<>();
        for (TableName each : tables) {
            if (each.schema() != null) {
                result.add(each);
            } else if (catalogFirst.contains(each.name())) {
                result.add(TableName.of("pg_catalog", each.name()));
            } else {
                result.add(schema == null ? each : TableName.of(schema, each.name()));
            }
        }
        return result;
    }

    static boolean changesSession(SqlOperation operation) {
        return operation == SqlOperation.SET || operation == SqlOperation.RESET || operation == SqlOperation.SET_ROLE;
    }

    private static Identity identityOrNull(GovernedConnection connection) {
        try {
            return connection.identities().current().identity();
        } catch (InvalidTokenException e) {
            return null;
        }
    }

    private void refuse(
            String sql,
            StatementAnalysis analysis,
            List<SqlStatementFacts> facts,
            Identity identity,
            GovernedConnection connection,
            long start,
            String effect,
            String rule,
            String reason,
            Long policyVersion)
            throws SQLException {
        refuse(sql, analysis, facts, identity, connection, start, effect, rule, reason, policyVersion, null);
    }

    private void refuse(String sql, StatementAnalysis analysis, List<SqlStatementFacts> facts, Identity identity,
                        GovernedConnection connection, long start, String effect, String rule, String reason, Long policyVersion,
                        String approval) throws SQLException {
        refuse(sql, analysis, facts, identity, connection, start, effect, rule, reason, policyVersion, approval,
                MASKING_RULE.equals(rule));
    }

    /** {@code quotesMasked}: the statement's literals may be masked values, so its audited text goes without them. */
    private void refuse(String sql, StatementAnalysis analysis, List<SqlStatementFacts> facts, Identity identity,
                        GovernedConnection connection, long start, String effect, String rule, String reason, Long policyVersion,
                        String approval, boolean quotesMasked) throws SQLException {
        AuditEvent.DecisionInfo decision = new AuditEvent.DecisionInfo(effect, rule, reason, policyVersion, approval);
        record(event(AuditIds.newId(), sql, analysis, facts, List.of(), null, identity, connection.id(), decision, start,
                "denied", null, reason, List.of(), null, quotesMasked));
    }

    /**
     * Whether a mask of the policy may cover a table the statement reads or writes: for a statement refused
     * before its masks were planned, whose literals may then be the values a mask hides. Exemptions are not
     * weighed, so this errs towards leaving literals out.
     */
    private static boolean mayMeetMask(CompiledPolicy policy, List<SqlStatementFacts> facts) {
        for (dev.governed.policy.MaskRule mask : policy.document().masks()) {
            for (dev.governed.policy.ColumnPattern column : mask.columns()) {
                for (SqlStatementFacts each : facts) {
                    for (TableName table : each.tablesRead()) {
                        if (column.mayCover(table)) {
                            return true;
                        }
                    }
                    for (TableName table : each.tablesWritten()) {
                        if (column.mayCover(table)) {
                            return true;
                        }
                    }
                }
            }
        }
        return false;
    }

    private AuditEvent event(Admission admission, String status, Long rows, String error) {
        List<AuditEvent.Masking> masking = List.of();
        if (admission.masks().masksRows()) {
            masking = new ArrayList<>();
            for (MaskPlan.ColumnMask each : admission.masks().masked()) {
                masking.add(new AuditEvent.Masking(each.column(), each.strategy(), 0));
            }
        }
        return event(admission, status, rows, error, masking);
    }

    /** The statement's own event: the id its admission reserved, its recorded parameters. */
    private AuditEvent event(Admission admission, String status, Long rows, String error,
                             List<AuditEvent.Masking> masking) {
        AuditEvent.DecisionInfo info = decisionInfo(admission.decision(), admission.approval());
        return event(admission.eventId(), admission.sql(), admission.analysis(), admission.facts(),
                admission.parameters(), admission.batch(), admission.identity(), admission.connectionId(), info,
                admission.startNanos(),
                status, rows, error, masking, null, admission.mayQuoteMasked());
    }

    private AuditEvent followUp(Admission admission, long rows, List<AuditEvent.Masking> masking,
                                AuditEvent.Result result) {
        AuditEvent.DecisionInfo info = decisionInfo(admission.decision(), admission.approval());
        return event(AuditIds.newId(), admission.sql(), admission.analysis(), admission.facts(), List.of(), null,
                admission.identity(), admission.connectionId(), info, admission.startNanos(), READ_STATUS, rows, null,
                masking, result, admission.mayQuoteMasked());
    }

    private AuditEvent event(
            String id,
            String sql,
            StatementAnalysis analysis,
            List<SqlStatementFacts> facts,
            List<AuditEvent.Parameter> parameters,
            AuditEvent.Batch batch,
            Identity identity,
            String connectionId,
            AuditEvent.DecisionInfo decision,
            long start,
            String status,
            Long rows,
            String error,
            List<AuditEvent.Masking> masking,
            AuditEvent.Result result,
            boolean touchesMasked) {
        Target target = governance.target;
        FactsSummary summary = summary(facts);
        AuditEvent.Action action = action(sql, analysis, summary, touchesMasked);
        if (!parameters.isEmpty() || batch != null) {
            action = new AuditEvent.Action(action.kind(), action.operation(), action.statement(), action.fingerprint(),
                    action.tables(), parameters, batch);
        }
        return new AuditEvent(
                id,
                Instant.now(),
                null,
                actor(identity),
                session(connectionId),
                resource(target),
                action,
                decision,
                masking,
                new AuditEvent.Outcome(status, rows, (System.nanoTime() - start) / 1_000, error, result));
    }

    /** The parts of an event that repeat from statement to statement, built once (the hot path allocates less). */
    private record ActorMemo(Identity identity, AuditEvent.Actor actor) {}

    private record FactsSummary(List<SqlStatementFacts> facts, String operation, List<String> tables) {}

    private volatile ActorMemo lastActor;
    private volatile FactsSummary lastSummary;
    private volatile AuditEvent.Resource resource;
    private volatile AuditEvent.Session lastSession;
    private volatile ActionMemo lastAction;
    private volatile DecisionMemo lastDecision;

    private record DecisionMemo(Decision decision, AuditEvent.DecisionInfo info) {}

    private record ActionMemo(String sql, StatementAnalysis analysis, FactsSummary summary, boolean touchesMasked,
                              AuditEvent.Action action) {}

    /** Cached by instances: a prepared statement executes the same text, analysis and facts again. */
    private AuditEvent.Action action(String sql, StatementAnalysis analysis, FactsSummary summary, boolean touchesMasked) {
        ActionMemo memo = lastAction;
        if (memo != null && memo.sql() == sql && memo.analysis() == analysis && memo.summary() == summary
                && memo.touchesMasked() == touchesMasked) {
            return memo.action();
        }
        String text = touchesMasked ? governance.maskedStatementText.apply(sql) : governance.auditedText.apply(sql);
        AuditEvent.Action result = new AuditEvent.Action("sql", summary.operation(), text, analysis.fingerprint(),
                summary.tables());
        lastAction = new ActionMemo(sql, analysis, summary, touchesMasked, result);
        return result;
    }

    /** Cached by connection id: a connection's statements share one session part. */
    private AuditEvent.Session session(String connectionId) {
        AuditEvent.Session memo = lastSession;
        if (memo != null && memo.connection() == connectionId) {
            return memo;
        }
        AuditEvent.Session result = new AuditEvent.Session(governance.sessionId, connectionId);
        lastSession = result;
        return result;
    }

    /**
     * Cached by equal content: a statement executed again is usually decided the same way. A decision that ran on
     * an approval names it and is built afresh: approvals are rare and each is a different one.
     */
    private AuditEvent.DecisionInfo decisionInfo(Decision decision, String approval) {
        if (approval != null) {
            return new AuditEvent.DecisionInfo(
                    decision.effect().key(), decision.ruleId(), decision.reason(), decision.policyVersion(), approval);
        }
        DecisionMemo memo = lastDecision;
        if (memo != null && (memo.decision() == decision || memo.decision().equals(decision))) {
            return memo.info();
        }
        AuditEvent.DecisionInfo result = new AuditEvent.DecisionInfo(
                decision.effect().key(), decision.ruleId(), decision.reason(), decision.policyVersion(), null);
        lastDecision = new DecisionMemo(decision, result);
        return result;
    }

    /** Cached by identity instance: verified tokens are cached, so a caller keeps its Identity object. */
    private AuditEvent.Actor actor(Identity identity) {
        ActorMemo memo = lastActor;
        if (memo != null && memo.identity() == identity) {
            return memo.actor();
        }
        AuditEvent.Actor result = AuditActors.of(identity);
        lastActor = new ActorMemo(identity, result);
        return result;
    }

    /** Cached by list instance: a prepared statement keeps its resolved facts. */
    private FactsSummary summary(List<SqlStatementFacts> facts) {
        FactsSummary memo = lastSummary;
        if (memo != null && memo.facts() == facts) {
            return memo;
        }
        FactsSummary result = new FactsSummary(facts, operation(facts), tables(facts));
        lastSummary = result;
        return result;
    }

    private AuditEvent.Resource resource(Target target) {
        AuditEvent.Resource result = resource;
        if (result == null) {
            result = new AuditEvent.Resource(target.resource(), "jdbc", target.description(), target.environment());
            resource = result;
        }
        return result;
    }


    /** The operation keys of a text, in order and without repeats: {@code select}, or {@code select;drop}. */
    private static String operation(List<SqlStatementFacts> facts) {
        if (facts.size() == 1) {
            return facts.get(0).operation().key();
        }
        Set<String> keys = new LinkedHashSet<>();
        facts.forEach(each -> keys.add(each.operation().key()));
        return keys.isEmpty() ? null : String.join(";", keys);
    }

    private static List<String> tables(List<SqlStatementFacts> facts) {
        TreeSet<String> result = new TreeSet<>();
        for (SqlStatementFacts each : facts) {
            each.tablesRead().forEach(table -> result.add(table.qualified()));
            each.tablesWritten().forEach(table -> result.add(table.qualified()));
        }
        return List.copyOf(result);
    }

    private void record(AuditEvent event) throws SQLException {
        try {
            governance.audit.record(event);
        } catch (AuditException e) {
            throw new SQLTransientException("Governed could not record the audit event for this statement, and audit"
                    + " is required: " + e.getMessage(), AUDIT_UNAVAILABLE_STATE, e);
        }
    }
}
