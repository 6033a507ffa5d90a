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

/** {@code governed approvals list|show|approve|deny|revoke}. */
@Command(name = "approvals", mixinStandardHelpOptions = true, description = "Review approval requests.",
        subcommands = {ApprovalsCommand.ListRequests.class, ApprovalsCommand.Show.class, ApprovalsCommand.Approve.class,
                ApprovalsCommand.Deny.class, ApprovalsCommand.Revoke.class})
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

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one request: statement, digest, requester, rule, decisions.")
    static final class Show implements Callable<Integer> {
        @Spec picocli.CommandLine.Model.CommandSpec spec;
        @Mixin ClientOptions client;
        @Parameters(paramLabel = "ID") String id;

        @Override
        public Integer call() {
            JsonNode a = Json.readTree(client.client().get("/v1/approvals/" + id, Map.of()), "response");
            PrintWriter out = spec.commandLine().getOut();
            JsonNode requester = a.get("requester");
            out.printf("id:          %s%n", a.get("id").asText());
            out.printf("status:      %s%n", a.get("status").asText());
            out.printf("statement:   %s%n", a.get("statement").asText());
            out.printf("digest:      %s%n", text(a, "parameterDigest"));
            out.printf("touches:     %s%n", touches(a));
            out.printf("requester:   %s%s, groups %s%n", requester.get("subject").asText(),
                    requester.hasNonNull("onBehalfOf") ? " on behalf of " + requester.get("onBehalfOf").asText() : "", requester.get("groups"));
            out.printf("rule:        %s (policy version %s, mode %s%s)%n", a.get("rule").asText(), a.get("policyVersion").asText(),
                    a.get("mode").asText(), a.hasNonNull("windowSeconds") ? ", window " + a.get("windowSeconds").asText() + " s" : "");
            out.printf("why:         %s%n", text(a, "requestReason"));
            out.printf("context:     resource %s, environment %s%n", a.get("resource").asText(), text(a, "environment"));
            out.printf("approvers:   %s, %s of %s approvals%n", a.get("approverGroups"), a.path("approvals").size(),
                    a.path("minApprovals").asInt(1));
            a.path("approvals").forEach(v -> out.printf("  approved by %s at %s: %s%n", v.get("approver").asText(), v.get("at").asText(),
                    text(v, "reason")));
            out.printf("created:     %s, expires %s%n", a.get("createdAt").asText(), a.get("expiresAt").asText());
            if (a.hasNonNull("decidedBy")) {
                out.printf("decided:     by %s at %s: %s%n", a.get("decidedBy").asText(), a.get("decidedAt").asText(), text(a, "reason"));
            }
            if (a.hasNonNull("grantUntil")) {
                out.printf("grant until: %s%n", a.get("grantUntil").asText());
            }
            if (a.hasNonNull("revokedBy")) {
                out.printf("revoked:     by %s at %s: %s%n", a.get("revokedBy").asText(), a.get("revokedAt").asText(), text(a, "revokeReason"));
            }
            return 0;
        }

        /**
         * What the statement does to which tables, and what an approval grants the minted login: a once-approval only
         * that, a window every privilege its rule approves (the service does not narrow a window's grant).
         */
        static String touches(JsonNode a) {
            java.util.List<String> each = new java.util.ArrayList<>();
            a.path("touches").forEach(t -> each.add(t.path("operation").asText() + " "
                    + (t.hasNonNull("schema") ? t.get("schema").asText() + "." : "") + t.path("table").asText()));
            String what = each.isEmpty() ? "-" : String.join(", ", each);
            if (!a.hasNonNull("login")) {
                return what;
            }
            String login = a.get("login").asText();
            return "once".equals(a.path("mode").asText()) ? what + " (granted to login " + login + " while approved)"
                    : what + " (login " + login + " is granted every privilege rule " + a.path("rule").asText()
                            + " approves for the window, not only these)";
        }

        private static String text(JsonNode node, String field) {
            return node.hasNonNull(field) ? node.get(field).asText() : "-";
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a pending request or a live grant.")
    static final class Revoke implements Callable<Integer> {
        @Spec picocli.CommandLine.Model.CommandSpec spec;
        @Mixin ClientOptions client;
        @Parameters(paramLabel = "ID") String id;
        @Option(names = "--reason") String reason;

        @Override
        public Integer call() {
            return decide(spec, client, id, "revoke", reason, null);
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
        String status = result.get("status").asText();
        spec.commandLine().getOut().println("approval " + id + " is " + status
                + ("pending".equals(status) && result.path("minApprovals").asInt(1) > 1 ? " (" + result.path("approvals").size() + " of "
                        + result.get("minApprovals").asInt() + " approvals)" : "")
                + (result.hasNonNull("grantUntil") ? " until " + result.get("grantUntil").asText() : ""));
        return 0;
    }
}
