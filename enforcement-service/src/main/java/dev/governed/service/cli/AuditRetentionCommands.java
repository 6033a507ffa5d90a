package dev.governed.service.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.governed.service.web.Json;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code governed audit hold add|release|list} and {@code governed audit expire [--dry-run]}. */
final class AuditRetentionCommands {
    private AuditRetentionCommands() {}

    @Command(name = "hold", mixinStandardHelpOptions = true, description = "Legal holds: held audit events are never expired.",
            subcommands = {Add.class, Release.class, ListHolds.class})
    static final class Hold {}

    /** Exactly one of: every event, a resource, an environment, a stream. */
    static final class Target {
        @Option(names = "--all", required = true, description = "Hold every event") boolean all;
        @Option(names = "--resource", required = true, paramLabel = "NAME", description = "Hold the events of this resource") String resource;
        @Option(names = "--environment", required = true, paramLabel = "ENV", description = "Hold the events of this environment") String environment;
        @Option(names = "--stream", required = true, paramLabel = "ID", description = "Hold the events of this stream") String stream;
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Place a legal hold (admin); prints its id.")
    static final class Add implements Callable<Integer> {
        @Spec picocli.CommandLine.Model.CommandSpec spec;
        @Mixin ClientOptions client;
        @ArgGroup(exclusive = true, multiplicity = "1") Target target;
        @Option(names = "--reason", required = true, description = "Why, e.g. the case or matter number") String reason;

        @Override
        public Integer call() {
            ObjectNode body = Json.object().put("reason", reason);
            if (target.all) {
                body.put("scope", "all");
            } else if (target.resource != null) {
                body.put("scope", "resource").put("value", target.resource);
            } else if (target.environment != null) {
                body.put("scope", "environment").put("value", target.environment);
            } else {
                body.put("scope", "stream").put("value", target.stream);
            }
            JsonNode hold = Json.readTree(client.client().post("/v1/audit/holds", Map.of(), "application/json", body.toString()), "response");
            spec.commandLine().getOut().println("held: " + hold.get("id").asText() + " " + scope(hold) + " (" + hold.get("reason").asText() + ")");
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    @Command(name = "release", mixinStandardHelpOptions = true, description = "Release a legal hold by its id (admin).")
    static final class Release implements Callable<Integer> {
        @Spec picocli.CommandLine.Model.CommandSpec spec;
        @Mixin ClientOptions client;
        @Parameters(paramLabel = "ID") String id;

        @Override
        public Integer call() {
            JsonNode hold = Json.readTree(client.client().delete("/v1/audit/holds/" + id), "response");
            spec.commandLine().getOut().println("released: " + hold.get("id").asText() + " " + scope(hold));
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the legal holds in force.")
    static final class ListHolds implements Callable<Integer> {
        @Spec picocli.CommandLine.Model.CommandSpec spec;
        @Mixin ClientOptions client;

        @Override
        public Integer call() {
            JsonNode body = Json.readTree(client.client().get("/v1/audit/holds", Map.of()), "response");
            PrintWriter out = spec.commandLine().getOut();
            out.printf("%-36s %-28s %-16s %-27s %s%n", "ID", "HOLDS", "BY", "SINCE", "REASON");
            body.get("holds").forEach(h -> out.printf("%-36s %-28s %-16s %-27s %s%n", h.get("id").asText(), scope(h),
                    h.get("createdBy").asText(), h.get("createdAt").asText(), h.get("reason").asText()));
            out.println(body.get("holds").size() + " hold(s)");
            out.flush();
            return 0;
        }
    }

    @Command(name = "expire", mixinStandardHelpOptions = true,
            description = {"Expire now the audit segments the service's retention rules allow (admin); the service also does so",
                    "periodically. Removes whole checkpointed segments and leaves a signed retention record for each."})
    static final class Expire implements Callable<Integer> {
        @Spec picocli.CommandLine.Model.CommandSpec spec;
        @Mixin ClientOptions client;
        @Option(names = "--dry-run", description = "Only print what would expire") boolean dryRun;

        @Override
        public Integer call() {
            JsonNode body = Json.readTree(client.client().post("/v1/audit/expire", Map.of("dryRun", String.valueOf(dryRun)),
                    "application/json", "{}"), "response");
            PrintWriter out = spec.commandLine().getOut();
            String verb = dryRun ? "would expire" : "expired";
            body.get("expired").forEach(e -> out.println(verb + ": stream " + e.get("stream").asText() + " events " + e.get("first").asLong()
                    + ".." + e.get("last").asLong() + " under rule " + e.get("rule").asText()));
            body.get("held").forEach(h -> out.println("held: stream " + h.get("stream").asText() + " from seq " + h.get("seq").asLong()
                    + " by hold " + h.get("holdId").asText() + " (" + h.get("hold").asText() + ")"));
            body.get("failed").forEach(f -> out.println("failed: stream " + f.get("stream").asText() + ": " + f.get("reason").asText()));
            out.println(body.get("expired").size() + " segment run(s) " + verb);
            out.flush();
            return body.get("failed").isEmpty() ? 0 : CliException.SERVICE_ERROR;
        }
    }

    private static String scope(JsonNode hold) {
        JsonNode value = hold.path("value");
        return hold.get("scope").asText() + (value.isTextual() ? "=" + value.asText() : "");
    }
}
