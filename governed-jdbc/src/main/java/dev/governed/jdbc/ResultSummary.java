package dev.governed.jdbc;

import dev.governed.audit.AuditEvent;
import dev.governed.audit.recording.RowDigest;
import dev.governed.jdbc.internal.sql.RowOrder;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The digest of a result set's rows as the caller saw them, built row by row as the caller moves through it
 * ({@code governed.audit.results=digest}). Masked columns are read by nobody here: the digest covers only that
 * they were masked, so the trail holds nothing derived from a clear value. A statement without a top-level
 * {@code ORDER BY} gets the multiset digest too: the database chooses its row order, so a replay compares its rows
 * in any order.
 */
final class ResultSummary {

    private final RowDigest digest;
    private final boolean unordered;
    private final boolean[] masked;
    private final String statementEvent;
    private int columns = -1;
    private boolean complete;

    /** {@code masked} by 1-based index, entry 0 unused; null when nothing is masked. */
    ResultSummary(boolean[] masked, AdmittedStatement statement) {
        this.masked = masked;
        this.statementEvent = statement.eventId();
        this.unordered = !RowOrder.ordered(statement.sql());
        this.digest = new RowDigest(unordered);
    }

    /** The row {@code rows} (the driver's own result set) now stands on was handed to the caller. */
    void row(ResultSet rows) throws SQLException {
        if (columns < 0) {
            columns = rows.getMetaData().getColumnCount();
        }
        digest.add(rows, columns, masked);
    }

    /** The caller reached the end: the digest covers the whole result. */
    void end() {
        complete = true;
    }

    AuditEvent.Result finish() {
        List<Integer> maskedColumns = new ArrayList<>();
        if (masked != null) {
            for (int i = 1; i < masked.length; i++) {
                if (masked[i]) {
                    maskedColumns.add(i);
                }
            }
        }
        return new AuditEvent.Result(complete, digest.finish(), statementEvent, maskedColumns,
                unordered ? digest.finishUnordered() : null);
    }
}
