package dev.governed.service.replay;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The statements of a session that a replay runs, in the order they were recorded: SQL events that were allowed (or
 * approved) and reached the database, each paired with its result summary. Denied statements never ran and are
 * only counted.
 */
public record RecordedSession(List<RecordedStatement> statements, int denied, int other) {

    public static RecordedSession of(List<JsonNode> events) {
        Map<String, JsonNode> results = new HashMap<>();
        Map<String, Long> resultRows = new HashMap<>();
        for (JsonNode each : events) {
            JsonNode result = each.path("outcome").path("result");
            if (result.isObject() && result.path("event").isTextual()) {
                results.putIfAbsent(result.get("event").asText(), result);
                resultRows.putIfAbsent(result.get("event").asText(), each.path("outcome").path("rows").asLong(0));
            }
        }
        List<RecordedStatement> statements = new ArrayList<>();
        int denied = 0;
        int other = 0;
        for (JsonNode each : events) {
            String status = each.path("outcome").path("status").asText("");
            String effect = each.path("decision").path("effect").asText("");
            if (!"sql".equals(each.path("action").path("kind").asText())) {
                other++;
            } else if (status.equals("read")) {
                continue; // a result's follow-up, paired above
            } else if (status.equals("denied") || !(effect.equals("allow") || effect.equals("approve"))) {
                denied++;
            } else if (status.equals("ok") || status.equals("error")) {
                String id = each.path("id").asText();
                statements.add(new RecordedStatement(each, results.get(id), resultRows.getOrDefault(id, 0L)));
            } else {
                other++;
            }
        }
        return new RecordedSession(List.copyOf(statements), denied, other);
    }
}
