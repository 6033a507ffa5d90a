package dev.governed.service.replay;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One statement of a recorded session that ran: its own event, and the summary of its result (the {@code result}
 * of the follow-up event naming it), or null when none was recorded.
 */
public record RecordedStatement(JsonNode event, JsonNode result, long resultRows) {

    public String id() {
        return event.path("id").asText("-");
    }

    public String connection() {
        return event.path("session").path("connection").asText("");
    }

    public String text() {
        return event.path("action").path("statement").asText("");
    }

    public String operation() {
        return event.path("action").path("operation").asText("-");
    }

    public JsonNode parameters() {
        return event.path("action").path("parameters");
    }

    /** The recorded parameter sets of a batch ({@code sets}, {@code parameters}); missing when it was no batch. */
    public JsonNode batch() {
        return event.path("action").path("batch");
    }

    public boolean failedWhenRecorded() {
        return "error".equals(event.path("outcome").path("status").asText());
    }

    /** The update count recorded for a statement that returned no rows, or null. */
    public Long updateCount() {
        JsonNode rows = event.path("outcome").path("rows");
        return rows.isNumber() ? rows.asLong() : null;
    }
}
