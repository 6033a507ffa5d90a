package dev.governed.jdbc;

import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

/**
 * A result set that leads back only to governed objects. {@code owner} is null for
 * result sets of {@link java.sql.DatabaseMetaData}, as JDBC allows.
 */
final class GovernedResultSet extends ResultSetWrapper implements SummarisedResult {

    private final GovernedStatement owner;
    private final boolean allowUnwrap;
    /** The statement's admission, whose plan says whether database messages are withheld; null for metadata. */
    private final AdmittedStatement admission;
    /** Non-null only with {@code governed.audit.results=digest}: then the rows read are summarised at the end. */
    private final ResultSummary summary;
    private long rows;
    private boolean reported;

    GovernedResultSet(ResultSet resultSet, GovernedStatement owner) {
        this(resultSet, owner, (AdmittedStatement) null);
    }

    GovernedResultSet(ResultSet resultSet, GovernedStatement owner, AdmittedStatement admission) {
        super(resultSet);
        this.owner = owner;
        this.allowUnwrap = owner.governance.allowUnwrap;
        this.admission = admission;
        this.summary = admission != null && owner.governance.recording.digestsResults()
                ? new ResultSummary(null, admission) : null;
    }

    GovernedResultSet(ResultSet resultSet, GovernedStatement owner, boolean allowUnwrap) {
        super(resultSet);
        this.owner = owner;
        this.allowUnwrap = allowUnwrap;
        this.admission = null;
        this.summary = null;
    }

    /** Rows may be computed as they are fetched (H2, a PostgreSQL cursor): a failure then is scrubbed too. */
    @Override
    public boolean next() throws SQLException {
        boolean result;
        try {
            result = resultSet.next();
        } catch (SQLException e) {
            throw MaskedResults.scrub(admission, e);
        }
        if (summary != null) {
            summarise(result);
        }
        return result;
    }

    private void summarise(boolean onRow) throws SQLException {
        if (onRow) {
            rows++;
            summary.row(resultSet);
        } else {
            summary.end();
            report();
        }
    }

    /** Records the summary once, at the end of the rows or at close, whichever comes first. */
    @Override
    public void report() throws SQLException {
        if (summary == null || reported) {
            return;
        }
        reported = true;
        owner.governance.enforcer.resultRead(admission, rows, summary.finish());
    }

    @Override
    public java.sql.SQLWarning getWarnings() throws SQLException {
        return MaskedResults.scrub(admission, resultSet.getWarnings());
    }

    @Override
    public Statement getStatement() {
        return owner;
    }

    @Override
    public Object getObject(int columnIndex) throws SQLException {
        return governed(resultSet.getObject(columnIndex));
    }

    @Override
    public Object getObject(String columnLabel) throws SQLException {
        return governed(resultSet.getObject(columnLabel));
    }

    @Override
    public Object getObject(int columnIndex, Map<String, Class<?>> map) throws SQLException {
        return governed(resultSet.getObject(columnIndex, map));
    }

    @Override
    public Object getObject(String columnLabel, Map<String, Class<?>> map) throws SQLException {
        return governed(resultSet.getObject(columnLabel, map));
    }

    @Override
    public <T> T getObject(int columnIndex, Class<T> type) throws SQLException {
        return type.cast(governed(resultSet.getObject(columnIndex, type)));
    }

    @Override
    public <T> T getObject(String columnLabel, Class<T> type) throws SQLException {
        return type.cast(governed(resultSet.getObject(columnLabel, type)));
    }

    @Override
    public void close() throws SQLException {
        try {
            if (summary != null) {
                report();
            }
        } finally {
            resultSet.close();
        }
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        return Unwrapping.unwrap(this, resultSet, type, allowUnwrap);
    }

    @Override
    public boolean isWrapperFor(Class<?> type) throws SQLException {
        return Unwrapping.isWrapperFor(this, resultSet, type, allowUnwrap);
    }

    @Override
    public Array getArray(int columnIndex) throws SQLException {
        return GovernedArray.of(resultSet.getArray(columnIndex), owner, allowUnwrap);
    }

    @Override
    public Array getArray(String columnLabel) throws SQLException {
        return GovernedArray.of(resultSet.getArray(columnLabel), owner, allowUnwrap);
    }

    /*
     * PostgreSQL's getBlob and getClob read the column as the oid of a large object and open it
     * on the raw connection: any large object, whatever lo_get and the policy say.
     */
    @Override
    public Blob getBlob(int columnIndex) throws SQLException {
        return notALargeObject(resultSet.getBlob(columnIndex));
    }

    @Override
    public Blob getBlob(String columnLabel) throws SQLException {
        return notALargeObject(resultSet.getBlob(columnLabel));
    }

    @Override
    public Clob getClob(int columnIndex) throws SQLException {
        return notALargeObject(resultSet.getClob(columnIndex));
    }

    @Override
    public Clob getClob(String columnLabel) throws SQLException {
        return notALargeObject(resultSet.getClob(columnLabel));
    }

    private Object governed(Object value) {
        return Unwrapping.governed(value, owner, allowUnwrap);
    }

    /*
     * An updatable result set writes rows without a statement Governed could judge: a SELECT the
     * policy allows would become the UPDATE, INSERT or DELETE it denies. Row changes are refused.
     */
    @Override
    public void insertRow() throws SQLException {
        throw GovernedResultSet.rowChangeRefused("insertRow");
    }

    @Override
    public void updateRow() throws SQLException {
        throw GovernedResultSet.rowChangeRefused("updateRow");
    }

    @Override
    public void deleteRow() throws SQLException {
        throw GovernedResultSet.rowChangeRefused("deleteRow");
    }

    static PolicyDeniedException rowChangeRefused(String method) {
        return new PolicyDeniedException("updatable-result-set", "Governed refused " + method + "(): changing rows"
                + " through a result set bypasses the policy's decision on writes. Use an UPDATE, INSERT or DELETE"
                + " statement, which Governed can judge.");
    }

    /** Refuses a PostgreSQL large object; other drivers' LOBs hold the column's own value. */
    static <T> T notALargeObject(T lob) throws SQLException {
        if (lob != null && lob.getClass().getName().startsWith("org.postgresql.")) {
            throw new PolicyDeniedException("large-object", "Governed refused to open a PostgreSQL large object:"
                    + " it is data outside any table a policy names, read on the raw connection. Store the data"
                    + " in a bytea column and read it with getBytes, or ask an administrator.");
        }
        return lob;
    }
}
