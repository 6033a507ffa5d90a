package dev.governed.jdbc;

import dev.governed.core.engine.CallerSource;
import dev.governed.jdbc.internal.sql.StatementAnalysis;
import java.sql.Array;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.UUID;

/** A connection whose every statement, prepared or not, passes through Governed. */
final class GovernedConnection extends ConnectionWrapper {

    private final Governance governance;
    private final String id = UUID.randomUUID().toString();
    private final CallerSource identities;
    private final SchemaTracker schema;
    private volatile boolean sessionChangedInTransaction;
    private final ReadOnlySession readOnlySession;
    private final boolean onlyIsAName;

    private final ServiceMode.Lease lease;

    GovernedConnection(Connection connection, Governance governance, CallerSource identities) throws SQLException {
        this(connection, governance, identities, ServiceMode.Lease.NONE);
    }

    GovernedConnection(Connection connection, Governance governance, CallerSource identities, ServiceMode.Lease lease)
            throws SQLException {
        super(connection);
        this.governance = governance;
        this.identities = identities;
        this.lease = lease;
        this.schema = new SchemaTracker(connection);
        boolean postgres = "PostgreSQL".equalsIgnoreCase(connection.getMetaData().getDatabaseProductName());
        this.readOnlySession = new ReadOnlySession(connection, postgres);
        this.onlyIsAName = !postgres;
    }

    /**
     * Whether this database reads {@code ONLY} before a name as a name of its own: H2 reads {@code FROM only t} as
     * the table {@code ONLY} with alias {@code t}, where the analyser (and PostgreSQL) reads the table {@code t}.
     */
    boolean onlyIsAName() {
        return onlyIsAName;
    }

    /** The database-side read-only mode of this session, held while the caller may not write. */
    ReadOnlySession readOnlySession() {
        return readOnlySession;
    }

    /** Fails closed (08G01) once the service-minted login this connection runs on has expired or been revoked. */
    void checkLease() throws SQLException {
        lease.check();
    }

    /** The service-minted login this connection runs on, which approvals asked from it are granted to; null if none. */
    String mintedLogin() {
        return lease.login();
    }

    /** Who runs the current statement: resolved per statement, as a pooled connection serves many callers. */
    CallerSource identities() {
        return identities;
    }

    String id() {
        return id;
    }

    Governance governance() {
        return governance;
    }

    String currentSchema() {
        return schema.current();
    }

    /** Unqualified names the database resolves in its catalog before the current schema. */
    java.util.Set<String> catalogFirst() {
        return schema.catalogFirst();
    }

    /**
     * After a statement that may have changed the session (SET, RESET, CREATE …): the schema is read
     * now, and again when the transaction ends, since a rollback or commit can undo the change.
     */
    void sessionChanged() {
        schema.refresh();
        sessionChangedInTransaction = true;
    }

    /** Ending a transaction re-reads the schema only if something in it may have changed the session. */
    void transactionEnded() {
        readOnlySession.transactionEnded();
        if (sessionChangedInTransaction) {
            schema.refresh();
            sessionChangedInTransaction = false;
        }
    }

    @Override
    Statement wrap(Statement statement) {
        return new GovernedStatement(statement, this, governance);
    }

    @Override
    DatabaseMetaData wrap(DatabaseMetaData metaData) {
        return new GovernedDatabaseMetaData(metaData, this);
    }

    @Override
    PreparedStatement openPreparedStatement(PreparedStatement prepared, String sql, StatementAnalysis analysis) {
        return new GovernedPreparedStatement(prepared, this, governance, sql, analysis);
    }

    @Override
    CallableStatement openCallableStatement(CallableStatement callable, String sql, StatementAnalysis analysis) {
        return new GovernedCallableStatement(callable, this, governance, sql, analysis);
    }

    /** Governed like a statement: the text must be analysable and, when a caller is known, allowed. */
    @Override
    public String nativeSQL(String sql) throws SQLException {
        screen(sql);
        return connection.nativeSQL(sql);
    }

    @Override
    public void setSchema(String newSchema) throws SQLException {
        try {
            connection.setSchema(newSchema);
        } finally {
            schema.refresh();
        }
    }

    @Override
    public void setCatalog(String catalog) throws SQLException {
        try {
            connection.setCatalog(catalog);
        } finally {
            schema.refresh();
        }
    }

    /*
     * Ending a transaction can undo a schema switch made inside it (PostgreSQL rolls back SET and
     * drops SET LOCAL at commit), so the schema is read again, even when the call fails, when a
     * statement of the transaction may have changed the session.
     */
    @Override
    public void setAutoCommit(boolean autoCommit) throws SQLException {
        try {
            connection.setAutoCommit(autoCommit);
        } finally {
            transactionEnded();
        }
    }

    @Override
    public void commit() throws SQLException {
        try {
            connection.commit();
        } finally {
            transactionEnded();
        }
    }

    @Override
    public void rollback() throws SQLException {
        try {
            connection.rollback();
        } finally {
            transactionEnded();
        }
    }

    @Override
    public void rollback(Savepoint savepoint) throws SQLException {
        try {
            connection.rollback(savepoint);
        } finally {
            transactionEnded();
        }
    }

    @Override
    public void close() throws SQLException {
        try {
            connection.close();
        } finally {
            lease.release();
        }
    }

    /**
     * The driver's own read-only switch may change the session's mode (PostgreSQL's readOnlyMode=always
     * sends SET SESSION CHARACTERISTICS), so Governed sets its own mode again before the next statement.
     */
    @Override
    public void setReadOnly(boolean readOnly) throws SQLException {
        try {
            connection.setReadOnly(readOnly);
        } finally {
            readOnlySession.forget();
        }
    }

    /** The vendor's array leads to the raw connection through its getResultSet(). */
    @Override
    public Array createArrayOf(String typeName, Object[] elements) throws SQLException {
        return GovernedArray.of(connection.createArrayOf(typeName, elements), null, governance.allowUnwrap);
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        return Unwrapping.unwrap(this, connection, type, governance.allowUnwrap);
    }

    @Override
    public boolean isWrapperFor(Class<?> type) throws SQLException {
        return Unwrapping.isWrapperFor(this, connection, type, governance.allowUnwrap);
    }

    /**
     * Checks a text before it is handed to the driver to prepare: unanalysable text is denied
     * outright; a caller's decision is taken now when a caller is known, and again at execution.
     */
    @Override
    StatementAnalysis screen(String sql) throws SQLException {
        StatementAnalysis analysis = governance.analyzer.apply(sql);
        governance.enforcer.screen(sql, analysis, this);
        return analysis;
    }
}
