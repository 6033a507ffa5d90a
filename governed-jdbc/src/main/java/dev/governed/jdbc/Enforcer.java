package dev.governed.jdbc;

import dev.governed.audit.AuditEvent;
import dev.governed.audit.AuditException;
import dev.governed.core.engine.Admission;
import dev.governed.core.engine.ApprovalHook;
import dev.governed.core.engine.Engine;
import dev.governed.core.engine.PolicyQuestion;
import dev.governed.core.engine.Request;
import dev.governed.jdbc.internal.mask.MaskDeniedException;
import dev.governed.jdbc.internal.mask.MaskPlan;
import dev.governed.jdbc.internal.sql.AnalysedStatement;
import dev.governed.jdbc.internal.sql.StatementAnalysis;
import dev.governed.policy.Decision;
import dev.governed.policy.SqlOperation;
import dev.governed.policy.SqlStatementFacts;
import dev.governed.policy.TableName;
import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * The driver's side of admission: turns a statement into the engine's {@link Request} (its analysed facts),
 * asks the {@link Engine}, and adds what only a database connection can do: hold the session read-only, trace
 * the result's masks, ask for approvals with the bound parameters. Nothing here runs the statement: a refused
 * one never reaches the database, and the engine has recorded why.
 */
final class Enforcer {

    static final String AUDIT_UNAVAILABLE_STATE = "G0A02";
    private static final String UNANALYSABLE_RULE = "unanalysable";
    private static final String LOGIN_EXPIRED_RULE = "login-expired";
    static final String MASKING_RULE = Engine.MASKING_RULE;
    static final String READ_ONLY_RULE = "read-only";
    /** Outcome status of a result set's follow-up event, so it is never mistaken for another execution. */
    static final String READ_STATUS = "read";

    private final Governance governance;

    Enforcer(Governance governance) {
        this.governance = governance;
    }

    /**
     * What a prepared statement was last allowed: executed again with the same facts, the engine keeps the
     * decision while the caller and the policy snapshot are the same ({@link Engine#readmit}), and a plan without
     * masks stands too. Masked plans are traced again (the lineage depends on the database's tables).
     */
    static final class Verdicts {
        private AdmittedStatement last;
    }

    /** Admits the statement or throws the contract's exception after auditing the refusal. */
    AdmittedStatement admit(String sql, StatementAnalysis analysis, List<SqlStatementFacts> facts,
                            GovernedConnection connection) throws SQLException {
        return admit(sql, analysis, facts, connection, ApprovalStep.ParameterDigests.NONE, null);
    }

    /**
     * The same, for a statement whose bound parameters an approval must match, remembering a prepared statement's
     * verdict in {@code verdicts} (null: decide afresh).
     */
    AdmittedStatement admit(String sql, StatementAnalysis analysis, List<SqlStatementFacts> analysed,
                            GovernedConnection connection, ApprovalStep.ParameterDigests parameters, Verdicts verdicts)
            throws SQLException {
        try {
            connection.checkLease(); // before resolveCalls: nothing reaches the database on an expired login
        } catch (PolicyUnavailableException e) {
            throw refusedEarly(request(sql, analysis, analysed, connection), LOGIN_EXPIRED_RULE, e.getMessage(),
                    connection, e);
        }
        List<SqlStatementFacts> facts = analysis.isAnalysable() ? resolveCalls(analysis, analysed, connection) : analysed;
        AdmittedStatement known = verdicts == null ? null : verdicts.last;
        Request request = known != null && known.facts() == facts ? known.decided().request()
                : request(sql, analysis, facts, connection);
        String unanalysable = !analysis.isAnalysable() ? analysis.unanalysableReason()
                : connection.onlyIsAName() && OnlyBeforeName.in(sql, governance.maskedStatementText)
                ? OnlyBeforeName.REASON : null;
        if (unanalysable != null) {
            String message = "Governed denied this statement: it could not be analysed: " + unanalysable + ".";
            throw refusedEarly(request, UNANALYSABLE_RULE, message, connection,
                    new PolicyDeniedException(UNANALYSABLE_RULE, message));
        }
        Approvals approvals = new Approvals(sql, analysis, facts, connection, parameters);
        Admission decided;
        try {
            decided = known != null && known.decided().request() == request
                    ? governance.engine.readmit(known.decided(), connection.identities(), approvals)
                    : governance.engine.admit(request, connection.identities(), approvals);
        } catch (AuditException e) {
            throw auditUnavailable(e);
        }
        if (!decided.isAllowed()) {
            throw refusal(decided, approvals.refusal);
        }
        if (parameters == ApprovalStep.ParameterDigests.SCREENING && decided.approvalRequired() != null) {
            return new AdmittedStatement(sql, analysis, facts, decided, MaskPlan.NONE); // asked at execution
        }
        if (known != null && known.decided().decision() == decided.decision() && decided.masks().isEmpty()) {
            holdSession(analysis, facts, decided.mayWrite(), connection); // the same caller, snapshot and plan
            return remember(verdicts, new AdmittedStatement(sql, analysis, facts, decided, MaskPlan.NONE));
        }
        boolean mayWrite = decided.mayWrite();
        if (!mayWrite && liftsReadOnly(analysis)) {
            String message = "Governed denied this statement: your policy allows no writes on '"
                    + governance.target.resource() + "', so the session is held read-only, and this statement would"
                    + " make it read-write (READ WRITE, default_transaction_read_only, transaction_read_only, RESET ALL"
                    + " or DISCARD ALL). Leave the read-only mode as it is, or ask for a policy that allows writes.";
            record(() -> decided.refuse(action(sql, analysis, facts, false), READ_ONLY_RULE, message));
            throw new PolicyDeniedException(READ_ONLY_RULE, message);
        }
        holdSession(analysis, facts, mayWrite, connection);
        MaskPlan masks = masks(sql, analysis, facts, decided, connection);
        AdmittedStatement result = new AdmittedStatement(sql, analysis, facts, decided, masks);
        // remembered only while no mask applies to the caller at all: a plan that found no masked column depends
        // on the database's tables and views, which may change between executions
        return decided.masks().isEmpty() && !changesColumns(analysis) && decided.approvalId() == null
                ? remember(verdicts, result) : result;
    }

    private static AdmittedStatement remember(Verdicts verdicts, AdmittedStatement admitted) {
        if (verdicts != null) {
            verdicts.last = admitted;
        }
        return admitted;
    }

    /**
     * Checks a text at prepare time: unanalysable text is refused now; when a caller is known, its
     * decision is taken now too (and again at execution, where the caller may differ).
     */
    void screen(String sql, StatementAnalysis analysis, GovernedConnection connection) throws SQLException {
        screen(sql, analysis, facts(analysis, connection.currentSchema(), connection.catalogFirst()), connection, null);
    }

    /** The same with these facts, remembering the verdict in {@code verdicts} for the execution to keep. */
    void screen(String sql, StatementAnalysis analysis, List<SqlStatementFacts> facts, GovernedConnection connection,
                Verdicts verdicts) throws SQLException {
        if (analysis.isAnalysable() && !hasCaller(connection)) {
            return;
        }
        admit(sql, analysis, facts, connection, ApprovalStep.ParameterDigests.SCREENING, verdicts);
    }

    private static boolean hasCaller(GovernedConnection connection) {
        try {
            connection.identities().current();
            return true;
        } catch (dev.governed.core.identity.InvalidTokenException e) {
            return false;
        }
    }

    private Request request(String sql, StatementAnalysis analysis, List<SqlStatementFacts> facts,
                            GovernedConnection connection) {
        Target target = governance.target;
        Supplier<String> withoutLiterals = () -> governance.maskedStatementText.apply(sql);
        return new Request("sql", "jdbc", target.resource(), target.description(), operation(facts),
                governance.auditedText.apply(sql), withoutLiterals, analysis.fingerprint(), tables(facts),
                connection.id(), PolicyQuestion.sql(facts));
    }

    /** A refusal the driver makes before any policy is asked, audited by the engine for the caller it verifies. */
    private SQLException refusedEarly(Request request, String rule, String message, GovernedConnection connection,
                                      SQLException thrown) throws SQLException {
        Admission refused = engine(() -> governance.engine.admit(request.asking(PolicyQuestion.refuse(rule, message)),
                connection.identities(), ApprovalHook.DISABLED));
        return Engine.AUTHENTICATION_RULE.equals(refused.rule()) ? refusal(refused, null) : thrown;
    }

    /** The exception the contract gives a refused statement; the engine has recorded the refusal. */
    private static SQLException refusal(Admission refused, ApprovalStep.Refusal approval) {
        if (approval != null) {
            return approval.thrown;
        }
        Decision decision = refused.decision();
        String rule = decision.ruleId();
        if (Engine.AUTHENTICATION_RULE.equals(rule)) {
            return new TokenRejectedException("Governed refused the statement: " + decision.reason(), null);
        }
        if (Engine.POLICY_UNAVAILABLE_RULE.equals(rule)) {
            return new PolicyUnavailableException(decision.reason(), null);
        }
        if (refused.approvalRequired() != null || decision.reason().startsWith("Governed ")) {
            return new PolicyDeniedException(rule, decision.reason());
        }
        if (MASKING_RULE.equals(rule)) {
            return new PolicyDeniedException(rule, "Governed denied this statement: " + decision.reason() + ".");
        }
        return new PolicyDeniedException(rule, "Governed denied this statement: rule '" + rule + "': "
                + decision.reason() + " (policy version " + decision.policyVersion() + ")."
                + " Ask a policy administrator if this access is needed.");
    }

    /**
     * Where {@code effect: approve} goes for one statement: the enforcement service's approvals, with the
     * statement's bound parameters; a refusal is kept so the driver throws what the approval step said.
     */
    private final class Approvals implements ApprovalHook {
        private final String sql;
        private final StatementAnalysis analysis;
        private final List<SqlStatementFacts> facts;
        private final GovernedConnection connection;
        private final ApprovalStep.ParameterDigests parameters;
        private ApprovalStep.Refusal refusal;

        Approvals(String sql, StatementAnalysis analysis, List<SqlStatementFacts> facts, GovernedConnection connection,
                  ApprovalStep.ParameterDigests parameters) {
            this.sql = sql;
            this.analysis = analysis;
            this.facts = facts;
            this.connection = connection;
            this.parameters = parameters;
        }

        @Override
        public Review review(Request request, dev.governed.core.engine.VerifiedCaller caller,
                             Decision.Approve decision) {
            if (governance.approvals == null) {
                return Review.refused(new Decision.Deny(decision.ruleId(), "Governed denied this statement: rule '"
                        + decision.ruleId() + "' requires approval (" + decision.reason() + "), and approvals are not"
                        + " enabled for this datasource: they are asked of the enforcement service, so set"
                        + " governed.policy to its URL or governed.approval.service.", decision.policyVersion()),
                        decision.effect().key(), null);
            }
            if (parameters == ApprovalStep.ParameterDigests.SCREENING) {
                return Review.approved(null); // asked at execution, when the parameters are bound
            }
            try {
                return Review.approved(governance.approvals.pass(sql, analysis, facts, decision, caller,
                        governance.target, parameters, connection.mintedLogin()));
            } catch (ApprovalStep.Refusal e) {
                refusal = e;
                return Review.refused(new Decision.Deny(decision.ruleId(), e.getMessage(), decision.policyVersion()),
                        e.effect, e.approvalId);
            }
        }
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

    /** Before a batch whose entries were admitted one by one runs as one: read-write if any entry is not a read. */
    static void batchAdmitted(List<AdmittedStatement> admissions, GovernedConnection connection) throws SQLException {
        for (AdmittedStatement each : admissions) {
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

    /** Puts the session in the read-only or read-write mode the statement and the caller's writes need. */
    private static void holdSession(StatementAnalysis analysis, List<SqlStatementFacts> facts, boolean mayWrite,
                                    GovernedConnection connection) throws SQLException {
        if (!onlyEndsTransaction(analysis)) {
            // Not for COMMIT or ROLLBACK alone: in an aborted transaction no SET can run, and ending it must stay possible.
            connection.readOnlySession().require(mayWrite, mayWrite ? SessionNeed.of(analysis, facts) : SessionNeed.EITHER);
        }
    }

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
    private MaskPlan masks(String sql, StatementAnalysis analysis, List<SqlStatementFacts> facts, Admission decided,
                           GovernedConnection connection) throws SQLException {
        if (changesColumns(analysis)) {
            governance.masking.invalidate();
        }
        if (decided.masks().isEmpty() || onlySessionStatements(analysis)) {
            return MaskPlan.NONE; // BEGIN, SET, SHOW …: no table data flows, so there is nothing to trace
        }
        String message;
        try {
            return governance.masking.plan(sql, connection.currentSchema(), decided.masks(), connection.connection);
        } catch (MaskDeniedException e) {
            message = "Governed denied this statement: " + e.getMessage();
        } catch (RuntimeException e) {
            message = "Governed denied this statement: its masks could not be applied (" + e.getMessage() + ").";
        }
        String reason = message;
        record(() -> decided.refuse(action(sql, analysis, facts, true), MASKING_RULE, reason));
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
    void maskedValues(AdmittedStatement admission, long rows, List<AuditEvent.Masking> masking, AuditEvent.Result result)
            throws SQLException {
        record(() -> admission.decided().followUp(action(admission, false), READ_STATUS, rows, masking, result));
    }

    /**
     * Records the follow-up event of a result set without masks, with {@code governed.audit.results=digest}: the
     * rows read and their digest, naming the statement's own event.
     */
    void resultRead(AdmittedStatement admission, long rows, AuditEvent.Result result) throws SQLException {
        record(() -> admission.decided().followUp(action(admission, false), READ_STATUS, rows, List.of(), result));
    }

    /** Records the event of an admitted statement that ran; {@code rows} is null when unknown. */
    void completed(AdmittedStatement admission, Long rows) throws SQLException {
        try {
            admission.decided().complete(action(admission, true), rows, masking(admission));
        } catch (AuditException e) {
            throw auditUnavailable(e);
        } finally {
            ran(admission);
        }
    }

    void failed(AdmittedStatement admission, SQLException error) throws SQLException {
        try {
            record(() -> admission.decided().fail(action(admission, true),
                    error.getClass().getSimpleName() + ": " + error.getMessage()));
        } finally {
            ran(admission);
        }
    }

    /** A once-approval's statement has run: the service takes back what the approval granted the session's login. */
    private void ran(AdmittedStatement admission) {
        if (admission.approval() != null && governance.approvals != null) {
            governance.approvals.ran(admission.approval());
        }
    }

    /** The statement's own event lists its masked columns, with 0 values: none is read yet. */
    private static List<AuditEvent.Masking> masking(AdmittedStatement admission) {
        if (!admission.masks().masksRows()) {
            return List.of();
        }
        List<AuditEvent.Masking> result = new ArrayList<>();
        for (MaskPlan.ColumnMask each : admission.masks().masked()) {
            result.add(new AuditEvent.Masking(each.column(), each.strategy(), 0));
        }
        return result;
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

    /** What the event says the statement did; {@code withParameters}: with the ones it ran with, if recorded. */
    private AuditEvent.Action action(AdmittedStatement admission, boolean withParameters) {
        AuditEvent.Action action = action(admission.sql(), admission.analysis(), admission.facts(),
                admission.mayQuoteMasked());
        if (withParameters && (!admission.parameters().isEmpty() || admission.batch() != null)) {
            action = new AuditEvent.Action(action.kind(), action.operation(), action.statement(), action.fingerprint(),
                    action.tables(), admission.parameters(), admission.batch());
        }
        return action;
    }

    private record ActionMemo(String sql, StatementAnalysis analysis, List<SqlStatementFacts> facts,
                              boolean quotesMasked, AuditEvent.Action action) {}

    private volatile ActionMemo lastAction;

    /**
     * Cached by instances: a prepared statement executes the same text, analysis and facts again.
     * {@code quotesMasked}: its literals may be values a mask hides, so its text goes without them.
     */
    private AuditEvent.Action action(String sql, StatementAnalysis analysis, List<SqlStatementFacts> facts,
                                     boolean quotesMasked) {
        ActionMemo memo = lastAction;
        if (memo != null && memo.sql() == sql && memo.analysis() == analysis && memo.facts() == facts
                && memo.quotesMasked() == quotesMasked) {
            return memo.action();
        }
        String text = quotesMasked ? governance.maskedStatementText.apply(sql) : governance.auditedText.apply(sql);
        AuditEvent.Action result = new AuditEvent.Action("sql", operation(facts), text, analysis.fingerprint(),
                tables(facts));
        lastAction = new ActionMemo(sql, analysis, facts, quotesMasked, result);
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

    private interface EngineCall {
        Admission call();
    }

    private static Admission engine(EngineCall call) throws SQLException {
        try {
            return call.call();
        } catch (AuditException e) {
            throw auditUnavailable(e);
        }
    }

    private static void record(Runnable recording) throws SQLException {
        try {
            recording.run();
        } catch (AuditException e) {
            throw auditUnavailable(e);
        }
    }

    private static SQLException auditUnavailable(AuditException e) {
        return new SQLTransientException("Governed could not record the audit event for this statement, and audit"
                + " is required: " + e.getMessage(), AUDIT_UNAVAILABLE_STATE, e);
    }
}
