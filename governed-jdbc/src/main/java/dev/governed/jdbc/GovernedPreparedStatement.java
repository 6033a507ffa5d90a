package dev.governed.jdbc;

import dev.governed.audit.recording.ParameterRecording;
import dev.governed.jdbc.internal.sql.StatementAnalysis;
import dev.governed.policy.SqlStatementFacts;
import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLType;
import java.util.List;
import java.util.Objects;

/**
 * A prepared statement analysed once, when prepared; each execution is decided
 * for the caller of that moment and audited. This is the hot path: no parse, no
 * I/O, only a cached identity, a compiled policy and a queued event.
 */
class GovernedPreparedStatement extends PreparedStatementWrapper {

    final String sql;
    final StatementAnalysis analysis;
    private List<SqlStatementFacts> facts;
    private String factsSchema;
    private final BoundParameters parameters = new BoundParameters();
    private final Enforcer.Verdicts verdicts = new Enforcer.Verdicts();
    // made once: every execution would otherwise allocate them anew
    private final ApprovalStep.ParameterDigests digests = text -> parameters.digest(text, false);
    private final ApprovalStep.ParameterDigests batchDigests = text -> parameters.digest(text, true);
    private final SqlCall<ResultSet> query = () -> wrap(prepared.executeQuery());

    GovernedPreparedStatement(
            PreparedStatement prepared,
            GovernedConnection owner,
            Governance governance,
            String sql,
            StatementAnalysis analysis) {
        super(prepared, owner, governance);
        this.sql = sql;
        this.analysis = analysis;
    }

    @Override
    public ResultSet executeQuery() throws SQLException {
        return run(admit(), query, GovernedPreparedStatement::noRows);
    }

    @Override
    public int executeUpdate() throws SQLException {
        return run(admit(), prepared::executeUpdate, Long::valueOf);
    }

    @Override
    public long executeLargeUpdate() throws SQLException {
        return run(admit(), prepared::executeLargeUpdate, Long::valueOf);
    }

    @Override
    public boolean execute() throws SQLException {
        return run(admit(), prepared::execute, this::rowsAfterExecute);
    }

    /** A batch of parameter sets is one execution of one statement: one decision, one event. */
    @Override
    public int[] executeBatch() throws SQLException {
        AdmittedStatement admission = admitBatch();
        try {
            return run(admission, prepared::executeBatch, GovernedPreparedStatement::total);
        } finally {
            parameters.clearBatch();
        }
    }

    @Override
    public long[] executeLargeBatch() throws SQLException {
        AdmittedStatement admission = admitBatch();
        try {
            return run(admission, prepared::executeLargeBatch, GovernedPreparedStatement::total);
        } finally {
            parameters.clearBatch();
        }
    }

    /** A refused batch is dropped whole, so the next one is exactly what is added next (and what an approval covers). */
    private AdmittedStatement admitBatch() throws SQLException {
        try {
            return admit(true);
        } catch (SQLException refused) {
            prepared.clearBatch();
            parameters.clearBatch();
            throw refused;
        }
    }

    @Override
    public void clearBatch() throws SQLException {
        parameters.clearBatch();
        super.clearBatch();
    }

    @Override
    final void bound(int parameterIndex, Object value) {
        parameters.bind(parameterIndex, value);
    }

    @Override
    final void bound(String parameterName, Object value) {
        parameters.bind(parameterName, value);
    }

    @Override
    final void unbound() {
        parameters.clear();
    }

    @Override
    final void batched() {
        parameters.batched();
    }

    /* Arrays from this driver come back as GovernedArray: the driver gets its own object again. */
    @Override
    public void setArray(int parameterIndex, Array x) throws SQLException {
        bound(parameterIndex, x);
        prepared.setArray(parameterIndex, (Array) GovernedArray.forDriver(x));
    }

    @Override
    public void setObject(int parameterIndex, Object x) throws SQLException {
        bound(parameterIndex, x);
        prepared.setObject(parameterIndex, GovernedArray.forDriver(x));
    }

    @Override
    public void setObject(int parameterIndex, Object x, int targetSqlType) throws SQLException {
        bound(parameterIndex, x);
        prepared.setObject(parameterIndex, GovernedArray.forDriver(x), targetSqlType);
    }

    @Override
    public void setObject(int parameterIndex, Object x, int targetSqlType, int scaleOrLength) throws SQLException {
        bound(parameterIndex, x);
        prepared.setObject(parameterIndex, GovernedArray.forDriver(x), targetSqlType, scaleOrLength);
    }

    @Override
    public void setObject(int parameterIndex, Object x, SQLType targetSqlType) throws SQLException {
        bound(parameterIndex, x);
        prepared.setObject(parameterIndex, GovernedArray.forDriver(x), targetSqlType);
    }

    @Override
    public void setObject(int parameterIndex, Object x, SQLType targetSqlType, int scaleOrLength)
            throws SQLException {
        bound(parameterIndex, x);
        prepared.setObject(parameterIndex, GovernedArray.forDriver(x), targetSqlType, scaleOrLength);
    }

    final AdmittedStatement admit() throws SQLException {
        return admit(false);
    }

    private AdmittedStatement admit(boolean batch) throws SQLException {
        String schema = owner.currentSchema();
        if (facts == null || !Objects.equals(schema, factsSchema)) {
            facts = Enforcer.facts(analysis, schema, owner.catalogFirst());
            factsSchema = schema;
        }
        AdmittedStatement admission = governance.enforcer.admit(sql, analysis, facts, owner,
                batch ? batchDigests : digests, verdicts);
        if (governance.recording.parameters() == ParameterRecording.NONE) {
            return admission;
        }
        boolean withheld = admission.touchesMasked();
        return batch ? admission.withBatch(parameters.recordedBatch(governance.recording, withheld))
                : admission.withParameters(parameters.recorded(governance.recording, withheld));
    }

    private static Long noRows(ResultSet result) {
        return null;
    }

    private static Long total(int[] counts) {
        long result = 0;
        for (int each : counts) {
            if (each < 0) {
                return null;
            }
            result += each;
        }
        return result;
    }

    private static Long total(long[] counts) {
        long result = 0;
        for (long each : counts) {
            if (each < 0) {
                return null;
            }
            result += each;
        }
        return result;
    }
}
