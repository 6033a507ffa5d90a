package dev.governed.service.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.governed.service.web.Json;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code governed replay <session>}: what one agent session did, in order, from the service's audit trail. */
@Command(name = "replay", mixinStandardHelpOptions = true, description = "Show one session's audited actions as a timeline.")
final class ReplayCommand implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin ClientOptions client;
    @Parameters(paramLabel = "SESSION") String session;

    @Override
    public Integer call() {
        ServiceClient service = client.client();
        PrintWriter out = spec.commandLine().getOut();
        String after = null;
        int count = 0;
        do {
            Map<String, String> query = new LinkedHashMap<>();
            query.put("session", session);
            query.put("limit", "1000");
            query.put("after", after);
            JsonNode page = Json.readTree(service.get("/v1/audit/events", query), "response");
            for (JsonNode each : page.get("events")) {
                out.println(line(each));
                count++;
            }
            after = page.get("next").isNull() ? null : page.get("next").asText();
        } while (after != null);
        if (count == 0) {
            throw new CliException("no audit events of session " + session + " are stored on the service");
        }
        out.println(count + " event(s) in session " + session);
        return 0;
    }

    /** One step of the timeline: when, who, on what, what, the decision and its reason, and the result. */
    static String line(JsonNode event) {
        JsonNode decision = event.path("decision");
        String reason = decision.path("reason").isTextual() ? " - " + decision.path("reason").asText() : "";
        String approval = decision.path("approval").isTextual() ? " approval " + decision.path("approval").asText() : "";
        JsonNode outcome = event.path("outcome");
        String duration = outcome.path("durationMicros").isNumber() && outcome.path("durationMicros").asLong() > 0
                ? " " + outcome.path("durationMicros").asLong() + "us" : "";
        return EventTable.text(event.path("time")) + "  " + EventTable.who(event.path("actor")) + "  "
                + EventTable.text(event.path("resource").path("name")) + "  " + EventTable.what(event.path("action")) + "  "
                + EventTable.decision(decision) + reason + approval + "  " + EventTable.result(event) + duration
                + "  " + event.path("action").path("statement").asText("").replaceAll("\\s+", " ") + "  [" + EventTable.text(event.path("id")) + "]";
    }
}
