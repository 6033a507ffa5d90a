package dev.governed.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Holds a PostgreSQL session read-only at the database while its caller's policy allows no
 * write, so a write the analysis misclassifies as a read (a user function called from a
 * SELECT, nextval, attribute notation) fails there with SQLState 25006 instead of changing data.
 *
 * <p>The session default is switched with {@code SET SESSION CHARACTERISTICS AS TRANSACTION
 * READ ONLY} only when the caller's need changes, so a read-only caller pays one round trip per
 * connection, not per statement. PostgreSQL undoes a SET made inside a transaction that rolls
 * back, so a switch made while a transaction may be open is forgotten when it ends and made
 * again before the next statement. H2 has no per-session read-only mode: there this does nothing.
 */
final class ReadOnlySession {

    private static final String READ_ONLY = "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY";
    private static final String READ_WRITE = "SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE";
    /** Raising a transaction to read-only is allowed at any point, and binds the transaction already open. */
    private static final String THIS_TRANSACTION_READ_ONLY = "SET TRANSACTION READ ONLY";

    private final Connection raw;
    private final boolean supported;
    /** What this class last set: TRUE read-only, FALSE read-write, null not known (never set, or possibly undone). */
    private Boolean readOnly;
    /** Whether the last switch may have run inside a transaction, which a rollback would undo. */
    private boolean switchedInTransaction;

    ReadOnlySession(Connection raw, boolean postgres) {
        this.raw = raw;
        this.supported = postgres;
    }

    /** Whether the session is being held read-only at the database now. */
    synchronized boolean held() {
        return Boolean.TRUE.equals(readOnly);
    }

    /** Makes the session read-only, or read-write again, before a statement of a caller who {@code mayWrite} runs. */
    synchronized void require(boolean mayWrite) throws SQLException {
        if (!supported) {
            return;
        }
        boolean wanted = !mayWrite;
        if (readOnly == null && !wanted) {
            readOnly = Boolean.FALSE; // a fresh session is read-write unless the server says otherwise
            return;
        }
        if (readOnly != null && readOnly == wanted) {
            return;
        }
        boolean inTransaction = inTransaction();
        try (Statement statement = raw.createStatement()) {
            statement.execute(wanted ? READ_ONLY : READ_WRITE);
            if (wanted && inTransaction) {
                statement.execute(THIS_TRANSACTION_READ_ONLY);
            }
        } catch (SQLException e) {
            readOnly = null;
            throw new PolicyDeniedException("read-only", "Governed could not make the session read-only for a caller"
                    + " whose policy allows no writes, so the statement was not run: " + e.getMessage());
        }
        readOnly = wanted;
        switchedInTransaction = inTransaction;
    }

    /**
     * Whether a transaction is open, as the PostgreSQL driver tracks it (a BEGIN sent as SQL text
     * opens one that JDBC's autocommit flag does not show); assumed open when it cannot be told.
     */
    private boolean inTransaction() {
        try {
            Class<?> base = Class.forName("org.postgresql.core.BaseConnection", false, raw.getClass().getClassLoader());
            Object driverConnection = raw.unwrap(base);
            Object state = base.getMethod("getTransactionState").invoke(driverConnection);
            return !"IDLE".equals(String.valueOf(state));
        } catch (ReflectiveOperationException | SQLException | RuntimeException | LinkageError e) {
            return true;
        }
    }

    /** A transaction ended, or rolled back to a savepoint: a switch made inside it may be undone. */
    synchronized void transactionEnded() {
        if (switchedInTransaction) {
            readOnly = null;
            switchedInTransaction = false;
        }
    }

    /** Something outside this class may have changed the session's mode (the driver's own setReadOnly). */
    synchronized void forget() {
        readOnly = null;
    }
}
