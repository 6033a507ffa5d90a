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
 * and their {@link RowDigest} (as many rows as the caller read, with the same columns counted as masked); for a
 * statement without a result, its update count.
 */
final class StatementReplayer {

    private StatementReplayer() {}

    static Finding replay(RecordedStatement recorded, Connection connection) {
        JsonNode parameters = recorded.parameters();
        try (PreparedStatement prepared = prepare(connection, recorded.text())) {
            int expected = prepared == null ? 0 : prepared.getParameterMetaData().getParameterCount();
            String whyNot = ParameterBinder.whyNot(parameters, expected);
            if (whyNot != null) {
                return new Finding(recorded, Finding.Verdict.NOT_REPLAYABLE, whyNot);
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
                return hasResult ? compareRows(recorded, statement.getResultSet()) : compareCount(recorded, statement);
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
            RowDigest digest = new RowDigest();
            int columns = rows.getMetaData().getColumnCount();
            long count = 0;
            while (count < limit && rows.next()) {
                digest.add(rows, columns, masked);
                count++;
            }
            String now = digest.finish();
            String then = summary.path("digest").asText("");
            String scope = complete ? "all rows" : "the first " + limit + " row(s), as many as the caller read";
            if (count == recorded.resultRows() && now.equals(then)) {
                return new Finding(recorded, Finding.Verdict.SAME, count + " row(s), digest " + shortHex(now) + " (" + scope + ")");
            }
            return new Finding(recorded, Finding.Verdict.DIFFERS, "rows " + recorded.resultRows() + " -> " + count
                    + ", digest " + shortHex(then) + " -> " + shortHex(now) + " (" + scope + ")");
        }
    }

    private static Finding compareCount(RecordedStatement recorded, Statement statement) throws SQLException {
        long count = statement.getLargeUpdateCount();
        Long then = recorded.updateCount();
        if (then == null) {
            return new Finding(recorded, Finding.Verdict.UNCHECKED, "ran; no update count was recorded");
        }
        if (count == then) {
            return new Finding(recorded, Finding.Verdict.SAME, count < 0 ? "ran" : count + " row(s) changed");
        }
        return new Finding(recorded, Finding.Verdict.DIFFERS, "rows changed " + then + " -> " + count);
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
