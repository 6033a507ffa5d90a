package dev.governed.jdbc;

import dev.governed.jdbc.internal.sql.AnalysedStatement;
import dev.governed.jdbc.internal.sql.StatementAnalysis;
import dev.governed.policy.SqlOperation;
import dev.governed.policy.SqlStatementFacts;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * A statement whose every SQL text is analysed, decided on and audited before it
 * reaches the driver. Batches are decided entry by entry: one denied entry, and
 * nothing of the batch runs.
 */
class GovernedStatement extends StatementWrapper {

    final GovernedConnection owner;
    final Governance governance;
    private final List<BatchEntry> batch = new ArrayList<>();
    /** The admission of the latest execution: its mask plan governs the result sets it produces. */
    private AdmittedStatement latest;

    GovernedStatement(Statement statement, GovernedConnection owner, Governance governance) {
        super(statement);
        this.owner = owner;
        this.governance = governance;
    }

    /**
     * An added entry as it was screened: run in the schema it was added in, by the same caller under the same
     * policy snapshot, its decision stands ({@code verdicts}), so the batch is not decided twice.
     */
    private record BatchEntry(String sql, StatementAnalysis analysis, String schema, List<SqlStatementFacts> facts,
                              Enforcer.Verdicts verdicts) {}

    /** Decided now, so a denied entry fails where it is added; when the batch runs, only what may have changed is checked. */
    @Override
    public void addBatch(String sql) throws SQLException {
        StatementAnalysis analysis = governance.analyzer.apply(sql);
        String schema = owner.currentSchema();
        List<SqlStatementFacts> facts = Enforcer.facts(analysis, schema, owner.catalogFirst());
        Enforcer.Verdicts verdicts = new Enforcer.Verdicts();
        governance.enforcer.screen(sql, analysis, facts, owner, verdicts);
        statement.addBatch(sql);
        batch.add(new BatchEntry(sql, analysis, schema, facts, verdicts));
    }

    @Override
    public void clearBatch() throws SQLException {
        statement.clearBatch();
        batch.clear();
    }

    @Override
    public int[] executeBatch() throws SQLException {
        List<AdmittedStatement> admissions = admitBatch();
        int[] counts;
        try {
            counts = statement.executeBatch();
        } catch (SQLException e) {
            SQLException shown = MaskedResults.scrub(admissions, e);
            for (AdmittedStatement each : admissions) {
                governance.enforcer.failed(each, shown);
            }
            throw shown;
        } finally {
            refreshSchemaAfter(admissions);
        }
        for (int i = 0; i < admissions.size(); i++) {
            governance.enforcer.completed(admissions.get(i), i < counts.length ? rows(counts[i]) : null);
        }
        return counts;
    }

    @Override
    public long[] executeLargeBatch() throws SQLException {
        List<AdmittedStatement> admissions = admitBatch();
        long[] counts;
        try {
            counts = statement.executeLargeBatch();
        } catch (SQLException e) {
            SQLException shown = MaskedResults.scrub(admissions, e);
            for (AdmittedStatement each : admissions) {
                governance.enforcer.failed(each, shown);
            }
            throw shown;
        } finally {
            refreshSchemaAfter(admissions);
        }
        for (int i = 0; i < admissions.size(); i++) {
            governance.enforcer.completed(admissions.get(i), i < counts.length ? rows(counts[i]) : null);
        }
        return counts;
    }

    /** The admission of the latest execution, or null before the first. */
    final AdmittedStatement latest() {
        return latest;
    }

    @Override
    public Connection getConnection() {
        return owner;
    }

    @Override
    public java.sql.SQLWarning getWarnings() throws SQLException {
        return MaskedResults.scrub(latest, statement.getWarnings());
    }

    @Override
    ResultSet wrap(ResultSet resultSet) throws SQLException {
        if (resultSet == null) {
            return null;
        }
        ResultSet result = MaskedResults.wrap(resultSet, this, latest);
        if (governance.recording.digestsResults() && result instanceof SummarisedResult summarised) {
            open = summarised;
        }
        return result;
    }

    /** With result digests: the latest result set, reported when the driver closes it without the caller. */
    private SummarisedResult open;

    private void reportOpenResult() throws SQLException {
        SummarisedResult previous = open;
        open = null;
        if (previous != null) {
            previous.report();
        }
    }

    @Override
    public ResultSet getGeneratedKeys() throws SQLException {
        return MaskedResults.generatedKeys(statement.getGeneratedKeys(), this, latest);
    }

    @Override
    public void close() throws SQLException {
        batch.clear();
        try {
            reportOpenResult();
        } finally {
            statement.close();
        }
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        return Unwrapping.unwrap(this, statement, type, governance.allowUnwrap);
    }

    @Override
    public boolean isWrapperFor(Class<?> type) throws SQLException {
        return Unwrapping.isWrapperFor(this, statement, type, governance.allowUnwrap);
    }

    /** Runs one admitted call and audits its outcome; the event is recorded before the result is returned. */
    final <T> T run(AdmittedStatement admission, SqlCall<T> call, Function<T, Long> rows) throws SQLException {
        reportOpenResult(); // executing again closes the previous result set
        latest = admission;
        T result;
        try {
            result = call.call();
        } catch (SQLException e) {
            SQLException shown = MaskedResults.scrub(admission, e);
            governance.enforcer.failed(admission, shown);
            throw shown;
        } catch (RuntimeException e) {
            governance.enforcer.failed(admission, MaskedResults.scrub(admission, new SQLException(e.toString(), e)));
            throw e;
        } finally {
            // Also after a failure: in a multi-statement text a SET may have run before the error (H2
            // keeps it), and a later statement must be resolved in the schema actually in force.
            if (changesSession(admission.analysis())) {
                owner.sessionChanged();
            }
            if (endsTransaction(admission.analysis())) {
                owner.transactionEnded();
            }
        }
        governance.enforcer.completed(admission, rows.apply(result));
        return result;
    }

    @Override
    final Long rowsAfterExecute(boolean hasResultSet) {
        if (hasResultSet) {
            return null;
        }
        try {
            int count = statement.getUpdateCount();
            return count < 0 ? null : (long) count;
        } catch (SQLException e) {
            return null;
        }
    }

    static Long rows(long count) {
        return count < 0 ? null : count;
    }

    @Override
    final <T> T runText(String sql, SqlCall<T> call, Function<T, Long> rows) throws SQLException {
        StatementAnalysis analysis = governance.analyzer.apply(sql);
        List<SqlStatementFacts> facts = Enforcer.facts(analysis, owner.currentSchema(), owner.catalogFirst());
        return run(governance.enforcer.admit(sql, analysis, facts, owner), call, rows);
    }

    /**
     * Admits every entry with the caller of this moment; on one refusal the whole batch is dropped.
     * Entries after one that changes the session (SET search_path, SET SCHEMA) are resolved with the
     * schema unknown, as in a multi-statement text: the database runs them in the new schema.
     */
    private List<AdmittedStatement> admitBatch() throws SQLException {
        List<AdmittedStatement> result = new ArrayList<>(batch.size());
        try {
            String schema = owner.currentSchema();
            for (BatchEntry entry : batch) {
                // the screened facts hold only in the schema they were resolved in
                List<SqlStatementFacts> facts = Objects.equals(schema, entry.schema()) ? entry.facts()
                        : Enforcer.facts(entry.analysis(), schema, owner.catalogFirst());
                result.add(governance.enforcer.admit(entry.sql(), entry.analysis(), facts, owner,
                        ApprovalStep.ParameterDigests.NONE, entry.verdicts()));
                if (changesSession(entry.analysis())) {
                    schema = null;
                }
            }
        } catch (SQLException refused) {
            statement.clearBatch();
            throw refused;
        } finally {
            batch.clear();
        }
        latest = result.isEmpty() ? null : result.get(result.size() - 1);
        Enforcer.batchAdmitted(result, owner);
        return result;
    }

    /** After a batch that may have switched schema, whether it ran fully, partly or not at all. */
    private void refreshSchemaAfter(List<AdmittedStatement> admissions) {
        for (AdmittedStatement each : admissions) {
            if (endsTransaction(each.analysis())) {
                owner.transactionEnded();
                break;
            }
        }
        for (AdmittedStatement each : admissions) {
            if (changesSession(each.analysis())) {
                owner.sessionChanged();
                return;
            }
        }
    }

    /** COMMIT, ROLLBACK, ROLLBACK TO: a setting changed inside the transaction may be undone. */
    private static boolean endsTransaction(StatementAnalysis analysis) {
        for (AnalysedStatement each : analysis.statements()) {
            if (each.operation() == SqlOperation.COMMIT || each.operation() == SqlOperation.ROLLBACK) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether running the text may change the schema unqualified names resolve in: a SET or RESET,
     * the end of a transaction, which undoes a SET made inside it (SET LOCAL at COMMIT, any SET at
     * ROLLBACK on PostgreSQL), or a CREATE, which may make a temporary table that shadows a name.
     */
    private static boolean changesSession(StatementAnalysis analysis) {
        for (AnalysedStatement each : analysis.statements()) {
            SqlOperation operation = each.operation();
            if (Enforcer.changesSession(operation) || operation == SqlOperation.COMMIT
                    || operation == SqlOperation.ROLLBACK || operation == SqlOperation.CREATE) {
                return true;
            }
        }
        return false;
    }
}
