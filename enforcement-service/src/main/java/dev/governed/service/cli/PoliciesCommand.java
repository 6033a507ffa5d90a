package dev.governed.service.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.governed.service.web.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code governed policies push|list|activate|rollback}. */
@Command(name = "policies", mixinStandardHelpOptions = true, description = "Upload, list and activate policy documents.",
        subcommands = {PoliciesCommand.Push.class, PoliciesCommand.ListVersions.class, PoliciesCommand.Activate.class,
                PoliciesCommand.Rollback.class})
final class PoliciesCommand {

    @Command(name = "push", mixinStandardHelpOptions = true, description = "Upload a policy document (YAML or JSON).")
    static final class Push implements Callable<Integer> {
        @Spec picocli.CommandLine.Model.CommandSpec spec;
        @Mixin ClientOptions client;
        @Parameters(paramLabel = "FILE") Path file;
        @Option(names = "--activate", description = "Activate it at once") boolean activate;

        @Override
        public Integer call() throws IOException {
            String text;
            try {
                text = Files.readString(file);
            } catch (IOException e) {
                throw CliException.unreadable("the policy file", file, e);
            }
            String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
            String type = name.endsWith(".json") ? "application/json" : "application/yaml";
            JsonNode version = Json.readTree(client.client().post("/v1/policies", Map.of("activate", String.valueOf(activate)), type, text),
                    "response");
            spec.commandLine().getOut().println("policy version " + version.get("version").asLong() + " stored"
                    + (version.get("active").asBoolean() ? " and active" : "; activate it with `governed policies activate "
                    + version.get("version").asLong() + "`"));
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List uploaded versions; * marks the active one.")
    static final class ListVersions implements Callable<Integer> {
        @Spec picocli.CommandLine.Model.CommandSpec spec;
        @Mixin ClientOptions client;

        @Override
        public Integer call() {
            JsonNode body = Json.readTree(client.client().get("/v1/policies", Map.of()), "response");
            PrintWriter out = spec.commandLine().getOut();
            out.printf("%-2s %-10s %-6s %-24s %s%n", "", "VERSION", "FORMAT", "UPLOADED BY", "UPLOADED AT");
            body.get("versions").forEach(v -> out.printf("%-2s %-10d %-6s %-24s %s%n", v.get("active").asBoolean() ? "*" : "",
                    v.get("version").asLong(), v.get("format").asText(), v.get("uploadedBy").asText(), v.get("uploadedAt").asText()));
            return 0;
        }
    }

    @Command(name = "activate", mixinStandardHelpOptions = true, description = "Make a version the active one.")
    static final class Activate implements Callable<Integer> {
        @Spec picocli.CommandLine.Model.CommandSpec spec;
        @Mixin ClientOptions client;
        @Parameters(paramLabel = "VERSION") long version;

        @Override
        public Integer call() {
            client.client().post("/v1/policies/" + version + "/activate", Map.of(), "application/json", "");
            spec.commandLine().getOut().println("policy version " + version + " is active");
            return 0;
        }
    }

    @Command(name = "rollback", mixinStandardHelpOptions = true, description = "Activate the version active before the current one.")
    static final class Rollback implements Callable<Integer> {
        @Spec picocli.CommandLine.Model.CommandSpec spec;
        @Mixin ClientOptions client;

        @Override
        public Integer call() {
            JsonNode version = Json.readTree(client.client().post("/v1/policies/rollback", Map.of(), "application/json", ""), "response");
            spec.commandLine().getOut().println("rolled back: policy version " + version.get("version").asLong() + " is active");
            return 0;
        }
    }
}
