package dev.governed.service.replay;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HexFormat;

/** Binds the parameters recorded in clear (types of {@code dev.governed.audit.recording.CanonicalValue}) again. */
final class ParameterBinder {

    private ParameterBinder() {}

    /** Why the recorded parameters cannot be bound, or null when they can. */
    static String whyNot(JsonNode parameters, int expected) {
        for (JsonNode each : parameters) {
            if (each.path("name").isTextual()) {
                return "parameter " + each.get("name").asText() + " was bound by name on a CallableStatement, and a"
                        + " replay binds parameters by position only (a name means what the recording driver made of"
                        + " it), so it would not run the statement as recorded";
            }
        }
        if (parameters.size() < expected) {
            return "the statement has " + expected + " parameter(s) and the recording holds " + parameters.size()
                    + " (recorded with governed.audit.parameters=none, a batch whose parameter sets were not recorded,"
                    + " or a statement whose literals governed.redactLiterals replaced by ?)";
        }
        for (int i = 0; i < parameters.size(); i++) {
            JsonNode each = parameters.get(i);
            String type = each.path("type").asText("");
            if (type.equals("null") || each.path("value").isTextual() && replayable(type)) {
                continue;
            }
            String which = "parameter " + (i + 1) + " (" + type + ")";
            if (each.path("sha256").isTextual()) {
                return which + " was recorded as a digest only (governed.audit.parameters=digest)";
            }
            if (!replayable(type)) {
                return which + " is a kind of value that is recorded but not bound again";
            }
            return which + " was withheld: the statement touches a column masked for the caller, so its value is"
                    + " never recorded";
        }
        return null;
    }

    /** Why the recorded parameter sets of {@code batch} cannot be bound, or null when every one can. */
    static String whyNotBatch(JsonNode batch, int expected) {
        JsonNode sets = batch.path("parameters");
        int total = batch.path("sets").asInt();
        if (sets.size() < total) {
            return "the batch had " + total + " parameter sets and the recording keeps only the first " + sets.size()
                    + " (governed.audit.batchSets)";
        }
        for (int i = 0; i < sets.size(); i++) {
            String whyNot = whyNot(sets.get(i), expected);
            if (whyNot != null) {
                return "parameter set " + (i + 1) + " of the batch's " + total + ": " + whyNot;
            }
        }
        return null;
    }

    private static boolean replayable(String type) {
        return switch (type) {
            case "string", "integer", "decimal", "float", "double", "boolean", "bytes", "date", "time", "timestamp",
                 "timetz", "timestamptz", "uuid", "null" -> true;
            default -> false;
        };
    }

    /** As a long when it fits, so the database infers an integer type (PostgreSQL's LIMIT refuses numeric). */
    private static void integer(PreparedStatement statement, int index, String text) throws SQLException {
        BigDecimal value = new BigDecimal(text);
        if (value.toBigInteger().bitLength() < 64) {
            statement.setLong(index, value.longValueExact());
        } else {
            statement.setBigDecimal(index, value);
        }
    }

    static void bind(PreparedStatement statement, JsonNode parameters) throws SQLException {
        for (int i = 0; i < parameters.size(); i++) {
            JsonNode each = parameters.get(i);
            int index = i + 1;
            String text = each.path("value").asText(null);
            switch (each.path("type").asText()) {
                case "null" -> statement.setObject(index, null);
                case "string" -> statement.setString(index, text);
                case "integer" -> integer(statement, index, text);
                case "decimal" -> statement.setBigDecimal(index, new BigDecimal(text));
                case "float" -> statement.setFloat(index, Float.parseFloat(text));
                case "double" -> statement.setDouble(index, Double.parseDouble(text));
                case "boolean" -> statement.setBoolean(index, Boolean.parseBoolean(text));
                case "bytes" -> statement.setBytes(index, HexFormat.of().parseHex(text));
                case "date" -> statement.setObject(index, java.time.LocalDate.parse(text));
                case "time" -> statement.setObject(index, java.time.LocalTime.parse(text));
                case "timestamp" -> statement.setObject(index, java.time.LocalDateTime.parse(text));
                case "timetz" -> statement.setObject(index, java.time.OffsetTime.parse(text));
                case "timestamptz" -> statement.setObject(index, java.time.OffsetDateTime.parse(text));
                case "uuid" -> statement.setObject(index, java.util.UUID.fromString(text));
                default -> throw new IllegalStateException("checked by whyNot: " + each);
            }
        }
    }
}
