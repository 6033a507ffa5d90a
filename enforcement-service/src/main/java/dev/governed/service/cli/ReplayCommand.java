package dev.governed.service.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.governed.service.replay.Finding;
import dev.governed.service.replay.NotASandbox;
import dev.governed.service.replay.RecordedSession;
import dev.governed.service.replay.SessionReplay;
import dev.governed.service.web.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code governed replay <session>}: what one agent session did, in order, from the service's audit trail or a
 * trail file; with {@code --against}, the session run again on a sandbox and compared with its recording.
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = "Show one session's audited actions as a timeline, or run them again against a sandbox.")
final class ReplayCommand implements Callable<Integer> {

    /** Exit code when a replayed statement gave something else than its recording. */
    static final int DIFFERENCES = CliException.FAILED;
    /** Exit code when nothing differed but some statements could not be run or compared. */
    static final int INCOMPLETE = 3;

    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin ClientOptions client;
    @Parameters(paramLabel = "SESSION") String session;

    @Option(names = "--trail", paramLabel = "FILE|DIR",
            description = "Read the session from a .jsonl audit trail (or a folder of them) instead of the service")
    Path trail;

    @Option(names = "--against", paramLabel = "JDBC-URL",
            description = "Run the session's allowed statements again on this database, which must be marked as a sandbox")
    String against;

    @Option(names = "--user", paramLabel = "USER", description = "The --against database's user")
    String user;

    @Option(names = "--password", paramLabel = "PASSWORD", description = "The --against database's password")
    String password;

    @Option(names = "--password-file", paramLabel = "FILE", description = "A file holding the --against database's password")
    Path passwordFile;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<JsonNode> events = trail == null ? fromService() : fromTrail();
        if (events.isEmpty()) {
            throw new CliException("no audit events of session " + session + (trail == null ? " are stored on the service"
                    : " are in " + trail.toAbsolutePath()));
        }
        if (against != null) {
            return replay(RecordedSession.of(events), out);
        }
        events.forEach(each -> out.println(line(each)));
        out.println(events.size() + " event(s) in session " + session);
        return 0;
    }

    private int replay(RecordedSession recorded, PrintWriter out) {
        if (against.regionMatches(true, 0, "jdbc:governed:", 0, "jdbc:governed:".length())) {
            throw new CliException(CliException.USAGE, "--against " + against + " is a governed URL; give the sandbox"
                    + " database's own JDBC URL (without governed:)");
        }
        List<Finding> findings;
        try {
            findings = new SessionReplay(against, account()).run(recorded);
        } catch (NotASandbox e) {
            throw new CliException(CliException.USAGE, "nothing was run: " + e.getMessage());
        } catch (SQLException e) {
            throw new CliException(CliException.UNREACHABLE, "cannot use the --against database " + against + ": "
                    + e.getMessage() + "; check the URL, --user and --password");
        }
        Map<Finding.Verdict, Integer> counts = new EnumMap<>(Finding.Verdict.class);
        for (Finding.Verdict each : Finding.Verdict.values()) {
            counts.put(each, 0);
        }
        int step = 0;
        boolean writeSkipped = false;
        for (Finding each : findings) {
            counts.merge(each.verdict(), 1, Integer::sum);
            String hint = each.verdict() == Finding.Verdict.DIFFERS && writeSkipped
                    ? " (an earlier statement that may change data was not replayed)" : "";
            writeSkipped |= each.verdict() == Finding.Verdict.NOT_REPLAYABLE && !each.statement().operation().equals("select");
            out.println(String.format("%3d  %-14s %-8s %s%s  %s  [%s]", ++step, label(each.verdict()),
                    each.statement().operation(), each.detail(), hint,
                    EventTable.statement(each.statement().event().path("action")), each.statement().id()));
        }
        out.println("replayed session " + session + " against " + against + ": " + counts.get(Finding.Verdict.SAME)
                + " same, " + counts.get(Finding.Verdict.DIFFERS) + " differ, " + counts.get(Finding.Verdict.NOT_REPLAYABLE)
                + " not replayable, " + counts.get(Finding.Verdict.UNCHECKED) + " unchecked; " + recorded.denied()
                + " denied statement(s) not run");
        if (counts.get(Finding.Verdict.DIFFERS) > 0) {
            return DIFFERENCES;
        }
        return counts.get(Finding.Verdict.NOT_REPLAYABLE) + counts.get(Finding.Verdict.UNCHECKED) > 0 ? INCOMPLETE : 0;
    }

    private static String label(Finding.Verdict verdict) {
        return switch (verdict) {
            case SAME -> "same";
            case DIFFERS -> "DIFFERS";
            case NOT_REPLAYABLE -> "not replayable";
            case UNCHECKED -> "unchecked";
        };
    }

    private Properties account() {
        Properties result = new Properties();
        if (user != null) {
            result.setProperty("user", user);
        }
        String secret = password;
        if (secret == null && passwordFile != null) {
            try {
                secret = Files.readString(passwordFile).strip();
            } catch (IOException e) {
                throw CliException.unreadable("the --password-file", passwordFile, e);
            }
        }
        if (secret != null) {
            result.setProperty("password", secret);
        }
        return result;
    }

    private List<JsonNode> fromService() {
        ServiceClient service = client.client();
        List<JsonNode> result = new ArrayList<>();
        String after = null;
        do {
            Map<String, String> query = new LinkedHashMap<>();
            query.put("session", session);
            query.put("limit", "1000");
            query.put("after", after);
            JsonNode page = Json.readTree(service.get("/v1/audit/events", query), "response");
            page.get("events").forEach(result::add);
            after = page.get("next").isNull() ? null : page.get("next").asText();
        } while (after != null);
        return result;
    }

    /** The session's events in trail order: one file, or every {@code *.jsonl} of a folder in name order. */
    private List<JsonNode> fromTrail() {
        List<Path> files = new ArrayList<>();
        try {
            if (Files.isDirectory(trail)) {
                try (var listing = Files.list(trail)) {
                    listing.filter(each -> each.getFileName().toString().endsWith(".jsonl")).sorted().forEach(files::add);
                }
            } else {
                files.add(trail);
            }
            List<JsonNode> result = new ArrayList<>();
            for (Path file : files) {
                for (String line : Files.readAllLines(file)) {
                    if (line.isBlank()) {
                        continue;
                    }
                    JsonNode event = dev.governed.audit.AuditJson.readTree(line);
                    if (!event.has("type") && session.equals(event.path("session").path("id").asText())) {
                        result.add(event);
                    }
                }
            }
            return result;
        } catch (IOException e) {
            throw CliException.unreadable("the --trail", trail, e);
        }
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
                + "  " + event.path("action").path("statement").asText("").replaceAll("\\s+", " ")
                + parameters(event.path("action").path("parameters")) + batch(event.path("action").path("batch"))
                + "  [" + EventTable.text(event.path("id")) + "]";
    }

    /** A batch as {@code  batch of 250 set(s), 100 recorded: (1, 'a'), (2, 'b'), (3, 'c'), …}; nothing for no batch. */
    static String batch(JsonNode batch) {
        if (!batch.isObject()) {
            return "";
        }
        JsonNode sets = batch.path("parameters");
        int total = batch.path("sets").asInt();
        List<String> shown = new ArrayList<>();
        for (int i = 0; i < Math.min(3, sets.size()); i++) {
            String set = parameters(sets.get(i)).strip();
            shown.add(set.isEmpty() ? "()" : set);
        }
        if (total > shown.size()) {
            shown.add("…");
        }
        return " batch of " + total + " set(s)" + (sets.size() < total ? ", " + sets.size() + " recorded" : "")
                + (shown.isEmpty() ? "" : ": " + String.join(", ", shown));
    }

    /** The recorded parameters as {@code (1, 'Ada', sha256:ab12…, withheld)}; nothing when none were recorded. */
    static String parameters(JsonNode parameters) {
        if (!parameters.isArray() || parameters.isEmpty()) {
            return "";
        }
        List<String> shown = new ArrayList<>();
        for (JsonNode each : parameters) {
            String type = each.path("type").asText("");
            String name = each.path("name").isTextual() ? each.get("name").asText() + " => " : "";
            if (each.path("value").isTextual()) {
                String value = each.get("value").asText();
                shown.add(name + (type.equals("string") ? "'" + value.replace("'", "''") + "'" : value));
            } else if (each.path("sha256").isTextual()) {
                shown.add(name + "sha256:" + each.get("sha256").asText().substring(0, Math.min(12, each.get("sha256").asText().length())));
            } else {
                shown.add(name + (type.equals("null") ? "NULL" : "withheld " + type));
            }
        }
        return " (" + String.join(", ", shown) + ")";
    }
}
