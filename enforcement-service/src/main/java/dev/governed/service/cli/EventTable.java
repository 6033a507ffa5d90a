package dev.governed.service.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Audit events as a plain-text table for people: time, who, resource, what, decision, result, statement. */
final class EventTable {

    private static final String[] HEADERS = {"TIME", "SUBJECT", "RESOURCE", "OPERATION", "DECISION", "RESULT", "STATEMENT"};
    private static final int STATEMENT_WIDTH = 60;

    private EventTable() {}

    static String render(List<JsonNode> events) {
        List<String[]> rows = new ArrayList<>();
        rows.add(HEADERS);
        events.forEach(each -> rows.add(row(each)));
        int[] widths = new int[HEADERS.length];
        rows.forEach(r -> {
            for (int i = 0; i < r.length; i++) {
                widths[i] = Math.max(widths[i], r[i].length());
            }
        });
        StringBuilder out = new StringBuilder();
        for (String[] each : rows) {
            for (int i = 0; i < each.length; i++) {
                out.append(i == each.length - 1 ? each[i] : pad(each[i], widths[i] + 2));
            }
            out.append(System.lineSeparator());
        }
        return out.toString();
    }

    static String[] row(JsonNode event) {
        return new String[] {text(event.path("time")), who(event.path("actor")), text(event.path("resource").path("name")),
                what(event.path("action")), decision(event.path("decision")), result(event), statement(event.path("action"))};
    }

    /** The value, or "-" when absent or null: a timeline never prints "null". */
    static String text(JsonNode node) {
        return node.isMissingNode() || node.isNull() || node.asText().isEmpty() ? "-" : node.asText();
    }

    static String who(JsonNode actor) {
        String subject = text(actor.path("subject"));
        JsonNode onBehalfOf = actor.path("onBehalfOf");
        return onBehalfOf.isTextual() ? subject + " for " + onBehalfOf.asText() : subject;
    }

    static String what(JsonNode action) {
        String operation = text(action.path("operation"));
        String kind = action.path("kind").asText("");
        return kind.isEmpty() || kind.equals("sql") ? operation : kind + " " + operation;
    }

    static String decision(JsonNode decision) {
        String effect = text(decision.path("effect")).toUpperCase(Locale.ROOT);
        return decision.path("rule").isTextual() ? effect + " (" + decision.path("rule").asText() + ")" : effect;
    }

    static String result(JsonNode event) {
        JsonNode outcome = event.path("outcome");
        StringBuilder result = new StringBuilder(text(outcome.path("status")));
        if (outcome.path("rows").isNumber()) {
            result.append(" rows=").append(outcome.path("rows").asLong());
        }
        int masked = event.path("masking").size();
        if (masked > 0) {
            result.append(" masked=").append(masked);
        }
        if (outcome.path("error").isTextual()) {
            result.append(" error=").append(outcome.path("error").asText());
        }
        JsonNode summary = outcome.path("result");
        if (summary.isObject()) {
            String digest = summary.path("digest").asText("");
            result.append(" digest=").append(digest, 0, Math.min(12, digest.length()))
                    .append(summary.path("complete").asBoolean() ? " (all rows)" : " (rows read)");
        }
        return result.toString();
    }

    static String statement(JsonNode action) {
        String text = action.path("statement").asText("").replaceAll("\\s+", " ").trim();
        return text.length() > STATEMENT_WIDTH ? text.substring(0, STATEMENT_WIDTH - 1) + "…" : text;
    }

    private static String pad(String text, int width) {
        return text.length() >= width ? text + " " : text + " ".repeat(width - text.length());
    }
}
