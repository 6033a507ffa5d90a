package dev.governed.jdbc;

import java.lang.reflect.Method;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Holds a PostgreSQL session read-only at the database, so a write the analysis misclassifies as
 * a read (a user function called from a SELECT, a view over one, nextval, attribute notation)
 * fails there with SQLState 25006 instead of changing data. It is held for every statement while
 * the caller's policy allows no write, and, for a caller who may write some things, for each
 * autocommit statement that only reads.
 *
 * <p>The session default is switched with {@code SET SESSION CHARACTERISTICS AS TRANSACTION
 * READ ONLY} only when the need changes, so a run of reads pays nothing per statement and a
 * switch between reads and writes one round trip. PostgreSQL undoes a SET made inside a
 * transaction that rolls back, so a switch made while a transaction may be open is forgotten when
 * it ends and made again before the next statement. H2 has no per-session read-only mode: there
 * this does nothing.
 */
final class ReadOnlySession {

    private static final String READ_ONLY = "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY";
    private static final String READ_WRITE = "SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE";
    /** Raising a transaction to read-only is allowed at any point, and binds the transaction already open. */
    private static final String THIS_TRANSACTION_READ_ONLY = "SET TRANSACTION READ ONLY";
    /** Lowering it is allowed only before its first query: sent only when Governed's own SET opened it. */
    private static final String THIS_TRANSACTION_READ_WRITE = "SET TRANSACTION READ WRITE";

    /** What this class knows of the session's default. */
    private enum Mode {
        /** Never set by Governed, or set by the driver's own setReadOnly: a writer leaves it as it is. */
        UNSET,
        READ_ONLY,
        READ_WRITE,
        /** Switched inside a transaction that has ended since: a rollback may have undone it. */
        UNKNOWN
    }

    private final Connection raw;
    private final boolean supported;
    /** The driver's getTransactionState(), found once: it is asked before every read of a caller who may write. */
    private final Method transactionState;
    private final Object driverConnection;
    private Mode mode = Mode.UNSET;
    /** Whether READ_ONLY is held only for the current read of a caller who may write. */
    private boolean heldForRead;
    /** Whether the last switch may have run inside a transaction, which a rollback would undo. */
    private boolean switchedInTransaction;

    ReadOnlySession(Connection raw, boolean postgres) {
        this.raw = raw;
        this.supported = postgres;
        Method state = null;
        Object driver = null;
        if (postgres) {
            try {
                Class<?> base = Class.forName("org.postgresql.core.BaseConnection", false, raw.getClass().getClassLoader());
                driver = raw.unwrap(base);
                state = base.getMethod("getTransactionState");
            } catch (ReflectiveOperationException | SQLException | RuntimeException | LinkageError e) {
                state = null; // then a transaction is assumed open, which never makes a caller's transaction read-only
            }
        }
        this.transactionState = state;
        this.driverConnection = driver;
    }

    /** Whether the session is being held read-only at the database now. */
    synchronized boolean held() {
        return mode == Mode.READ_ONLY;
    }

    /** Before a statement of a caller who {@code mayWrite}: the mode its text needs. */
    synchronized void require(boolean mayWrite, SessionNeed need) throws SQLException {
        if (!supported) {
            return;
        }
        if (!mayWrite) {
            hold(true);
            heldForRead = false;
        } else if (need == SessionNeed.READ) {
            holdForRead();
        } else if (need == SessionNeed.WRITE) {
            release();
        }
    }

    /**
     * A read of a caller who may write runs read-only only as its own autocommit transaction. The
     * first statement of a transaction the caller opens (autocommit off) starts it read-write, since
     * writes may follow; a transaction already running keeps the mode it started with.
     */
    private void holdForRead() throws SQLException {
        boolean autoCommit = raw.getAutoCommit();
        if (autoCommit && mode == Mode.READ_ONLY) {
            return; // the run of reads: nothing to send, nothing to ask the driver
        }
        if (inTransaction()) {
            return;
        }
        if (autoCommit) {
            hold(true);
            heldForRead = true;
        } else {
            release();
        }
    }

    /** Makes the session read-write again, unless Governed never made it read-only. */
    private void release() throws SQLException {
        if (mode != Mode.UNSET && mode != Mode.READ_WRITE) {
            hold(false);
        }
    }

    /**
     * A batch whose entries were decided one by one runs as one: if any entry writes, it runs
     * read-write, unless the session is held read-only for a caller who may not write at all.
     */
    synchronized void releaseRead() throws SQLException {
        if (supported && mode == Mode.READ_ONLY && heldForRead) {
            hold(false);
        }
    }

    private void hold(boolean wanted) throws SQLException {
        Mode target = wanted ? Mode.READ_ONLY : Mode.READ_WRITE;
        if (mode == target) {
            return;
        }
        boolean inTransaction = inTransaction();
        // With autocommit off and no transaction yet, this SET opens the caller's transaction in the old mode.
        boolean opensTransaction = !inTransaction && !raw.getAutoCommit();
        try (Statement statement = raw.createStatement()) {
            if (wanted) {
                statement.execute(READ_ONLY);
                if (inTransaction || opensTransaction) {
                    statement.execute(THIS_TRANSACTION_READ_ONLY);
                }
            } else {
                statement.execute(opensTransaction ? READ_WRITE + "; " + THIS_TRANSACTION_READ_WRITE : READ_WRITE);
            }
        } catch (SQLException e) {
            mode = Mode.UNKNOWN;
            throw new PolicyDeniedException("read-only", "Governed could not switch the session "
                    + (wanted ? "to read-only, which it holds while a statement may not write," : "back to read-write")
                    + " so the statement was not run: " + e.getMessage());
        }
        mode = target;
        switchedInTransaction = inTransaction || opensTransaction;
    }

    /**
     * Whether a transaction is open, as the PostgreSQL driver tracks it (a BEGIN sent as SQL text
     * opens one that JDBC's autocommit flag does not show); assumed open when it cannot be told.
     */
    private boolean inTransaction() {
        if (transactionState == null) {
            return true;
        }
        try {
            return !"IDLE".equals(String.valueOf(transactionState.invoke(driverConnection)));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return true;
        }
    }

    /** A transaction ended, or rolled back to a savepoint: a switch made inside it may be undone. */
    synchronized void transactionEnded() {
        if (switchedInTransaction) {
            mode = Mode.UNKNOWN;
            switchedInTransaction = false;
        }
    }

    /** Something outside this class may have changed the session's mode (the driver's own setReadOnly). */
    synchronized void forget() {
        mode = Mode.UNSET;
    }
}
