package dev.governed.service.replay;

import com.fasterxml.jackson.databind.JsonNode;
import dev.governed.audit.recording.RowDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Runs one recorded statement again and compares what it gives with the recording: for a result, the rows read
 * and their {@link RowDigest} (as many rows as the caller read, with the same columns counted as masked; as a
 * multiset when the recording has the multiset digest, kept for a statement without a top-level ORDER BY); for a
 * statement without a result, its update count (of a batch: the total over its parameter sets).
 */
final class StatementReplayer {

    private StatementReplayer() {}

    static Finding replay(RecordedStatement recorded, Connection connection) {
        JsonNode parameters = recorded.parameters();
        JsonNode batch = recorded.batch();
        try (PreparedStatement prepared = prepare(connection, recorded.text())) {
            int expected = prepared == null ? 0 : prepared.getParameterMetaData().getParameterCount();
            String whyNot = batch.isObject() ? ParameterBinder.whyNotBatch(batch, expected)
                    : ParameterBinder.whyNot(parameters, expected);
            if (whyNot != null) {
                return new Finding(recorded, Finding.Verdict.NOT_REPLAYABLE, whyNot);
            }
            if (batch.isObject() && prepared != null) {
                return replayBatch(recorded, prepared, batch.path("parameters"));
            }
            boolean hasResult;
            Statement statement;
            Statement plain = null;
            try {
                if (prepared == null) {
                    plain = connection.createStatement();
                    statement = plain;
                    hasResult = plain.execute(recorded.text());
                } else {
                    ParameterBinder.bind(prepared, parameters);
                    statement = prepared;
                    hasResult = prepared.execute();
                }
                if (recorded.failedWhenRecorded()) {
                    return new Finding(recorded, Finding.Verdict.DIFFERS, "it failed when recorded ("
                            + recorded.event().path("outcome").path("error").asText("error") + ") and ran now");
                }
                return hasResult ? compareRows(recorded, statement.getResultSet())
                        : compareCount(recorded, statement.getLargeUpdateCount(), "");
            } finally {
                if (plain != null) {
                    plain.close();
                }
            }
        } catch (SQLException e) {
            if (recorded.failedWhenRecorded()) {
                return new Finding(recorded, Finding.Verdict.SAME, "failed as when recorded (" + e.getSQLState() + ")");
            }
            return new Finding(recorded, Finding.Verdict.DIFFERS, "it ran when recorded and fails now: " + e.getMessage());
        }
    }

    /** A recorded batch: each parameter set added in recorded order, run as one batch, compared by total count. */
    private static Finding replayBatch(RecordedStatement recorded, PreparedStatement prepared, JsonNode sets)
            throws SQLException {
        for (JsonNode each : sets) {
            ParameterBinder.bind(prepared, each);
            prepared.addBatch();
        }
        int[] counts = prepared.executeBatch();
        if (recorded.failedWhenRecorded()) {
            return new Finding(recorded, Finding.Verdict.DIFFERS, "it failed when recorded ("
                    + recorded.event().path("outcome").path("error").asText("error") + ") and ran now");
        }
        long total = 0;
        for (int each : counts) {
            if (each < 0) {
                total = -1; // a driver may not count the rows of a batch (SUCCESS_NO_INFO)
                break;
            }
            total += each;
        }
        return compareCount(recorded, total, "batch of " + sets.size() + " parameter set(s): ");
    }

    /** The text prepared, or null when the database cannot prepare it (several statements in one text). */
    private static PreparedStatement prepare(Connection connection, String text) {
        try {
            return connection.prepareStatement(text);
        } catch (SQLException e) {
            return null;
        }
    }

    private static Finding compareRows(RecordedStatement recorded, ResultSet rows) throws SQLException {
        JsonNode summary = recorded.result();
        try (rows) {
            if (summary == null) {
                return new Finding(recorded, Finding.Verdict.UNCHECKED, "ran; the recording has no digest of its"
                        + " result (record with governed.audit.results=digest)");
            }
            boolean complete = summary.path("complete").asBoolean();
            long limit = complete ? Long.MAX_VALUE : recorded.resultRows();
            boolean[] masked = masked(summary.path("masked"));
            // recorded for a statement without a top-level ORDER BY: its rows may come back in another order
            boolean unordered = summary.path("unorderedDigest").isTextual();
            RowDigest digest = new RowDigest(unordered);
            int columns = rows.getMetaData().getColumnCount();
            long count = 0;
            while (count < limit && rows.next()) {
                digest.add(rows, columns, masked);
                count++;
            }
            String now = unordered ? digest.finishUnordered() : digest.finish();
            String then = summary.path(unordered ? "unorderedDigest" : "digest").asText("");
            String scope = (complete ? "all rows" : "the first " + limit + " row(s), as many as the caller read")
                    + (unordered ? ", in any order: the statement has no ORDER BY" : "");
            if (count == recorded.resultRows() && now.equals(then)) {
                return new Finding(recorded, Finding.Verdict.SAME, count + " row(s), digest " + shortHex(now) + " (" + scope + ")");
            }
            if (count == recorded.resultRows() && unordered && !complete) {
                return new Finding(recorded, Finding.Verdict.UNCHECKED, count + " row(s) as recorded, but the caller"
                        + " read only the first " + limit + " of a result without ORDER BY, and the database may give"
                        + " other rows first; their digests (" + shortHex(then) + " -> " + shortHex(now) + ") do not"
                        + " tell whether the data differs");
            }
            return new Finding(recorded, Finding.Verdict.DIFFERS, "rows " + recorded.resultRows() + " -> " + count
                    + ", digest " + shortHex(then) + " -> " + shortHex(now) + " (" + scope + ")");
        }
    }

    /** {@code count} is the update count now, negative when the database did not give one. */
    private static Finding compareCount(RecordedStatement recorded, long count, String what) {
        Long then = recorded.updateCount();
        if (then == null) {
            return new Finding(recorded, Finding.Verdict.UNCHECKED, what + "ran; no update count was recorded");
        }
        if (count == then) {
            return new Finding(recorded, Finding.Verdict.SAME, what + (count < 0 ? "ran" : count + " row(s) changed"));
        }
        return new Finding(recorded, Finding.Verdict.DIFFERS, what + "rows changed " + then + " -> " + count);
    }

    private static boolean[] masked(JsonNode columns) {
        int max = 0;
        for (JsonNode each : columns) {
            max = Math.max(max, each.asInt());
        }
        boolean[] result = new boolean[max + 1];
        for (JsonNode each : columns) {
            if (each.asInt() > 0) {
                result[each.asInt()] = true;
            }
        }
        return result;
    }

    private static String shortHex(String hex) {
        return hex.length() > 12 ? hex.substring(0, 12) : hex;
    }
}
