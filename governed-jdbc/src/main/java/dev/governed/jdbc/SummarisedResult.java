package dev.governed.jdbc;

import java.sql.SQLException;

/**
 * A result set that records a follow-up event when it ends. Its statement reports it too when the driver closes it
 * implicitly (the statement closed or executed again), so a result the caller never closed keeps its summary.
 */
interface SummarisedResult {

    /** Records the follow-up event, once; later calls do nothing. */
    void report() throws SQLException;
}
