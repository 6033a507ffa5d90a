package dev.governed.service.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.governed.service.web.Json;
import java.io.PrintWriter;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code governed approvals list|approve|deny}. */
@Command(name = "approvals", mixinStandardHelpOptions = true, description = "Review approval requests.",
        subcommands = {ApprovalsCommand.ListRequests.class, ApprovalsCommand.Approve.class, ApprovalsCommand.Deny.class})
final class ApprovalsCommand {

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List requests you may see (default: pending).")
    static final class ListRequests implements Callable<Integer> {
        @Spec picocli.CommandLine.Model.CommandSpec spec;
        @Mixin ClientOptions client;
        @Option(names = "--status", defaultValue = "pending", description = "pending, approved, denied, expired, revoked, consumed or all")
        String status;

        @Override
        public Integer call() {
            Map<String, String> query = new HashMap<>();
            if (!"all".equals(status)) {
                query.put("status", status);
            }
            JsonNode body = Json.readTree(client.client().get("/v1/approvals", query), "response");
            PrintWriter out = spec.commandLine().getOut();
            out.printf("%-36s %-9s %-20s %-24s %-12s %s%n", "ID", "STATUS", "REQUESTER", "RULE", "RESOURCE", "STATEMENT");
            body.get("approvals").forEach(a -> out.printf("%-36s %-9s %-20s %-24s %-12s %s%n", a.get("id").asText(), a.get("status").asText(),
                    requester(a.get("requester")), a.get("rule").asText(), a.get("resource").asText(),
                    a.get("statement").asText().replaceAll("\\s+", " ")));
            return 0;
        }

        /** The acting party, and whom it acted for when the token was delegated: both are shown to the approver. */
        private static String requester(JsonNode requester) {
            JsonNode onBehalfOf = requester.path("onBehalfOf");
            return requester.get("subject").asText() + (onBehalfOf.isTextual() ? " for " + onBehalfOf.asText() : "");
        }
    }

    @Command(name = "approve", mixinStandardHelpOptions = true, description = "Approve a request.")
    static final class Approve implements Callable<Integer> {
        @Spec picocli.CommandLine.Model.CommandSpec spec;
        @Mixin ClientOptions client;
        @Parameters(paramLabel = "ID") String id;
        @Option(names = "--reason") String reason;
        @Option(names = "--ttl", paramLabel = "SECONDS", description = "Shorten the grant") Long ttl;

        @Override
        public Integer call() {
            return decide(spec, client, id, "approve", reason, ttl);
        }
    }

    @Command(name = "deny", mixinStandardHelpOptions = true, description = "Deny a request, with a reason.")
    static final class Deny implements Callable<Integer> {
        @Spec picocli.CommandLine.Model.CommandSpec spec;
        @Mixin ClientOptions client;
        @Parameters(paramLabel = "ID") String id;
        @Option(names = "--reason", required = true) String reason;

        @Override
        public Integer call() {
            return decide(spec, client, id, "deny", reason, null);
        }
    }

    static int decide(picocli.CommandLine.Model.CommandSpec spec, ClientOptions client, String id, String action, String reason, Long ttl) {
        ObjectNode body = Json.object();
        if (reason != null) {
            body.put("reason", reason);
        }
        if (ttl != null) {
            body.put("ttlSeconds", ttl);
        }
        JsonNode result = Json.readTree(client.client().post("/v1/approvals/" + id + "/" + action, Map.of(), "application/json",
                Json.write(body)), "response");
        spec.commandLine().getOut().println("approval " + id + " is " + result.get("status").asText()
                + (result.hasNonNull("grantUntil") ? " until " + result.get("grantUntil").asText() : ""));
        return 0;
    }
}
