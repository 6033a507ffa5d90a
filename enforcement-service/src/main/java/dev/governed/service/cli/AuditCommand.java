package dev.governed.service.cli;

import dev.governed.audit.AuditException;
import dev.governed.audit.verify.AuditVerifier;
import dev.governed.audit.verify.Unproven;
import dev.governed.audit.verify.VerificationResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code governed audit verify|export|query|report|hold|expire}. */
@Command(name = "audit", mixinStandardHelpOptions = true, description = "Verify, export and query the audit trail.",
        subcommands = {AuditCommand.Verify.class, AuditCommand.Export.class, AuditCommand.Query.class,
                AuditReportCommand.class, AuditRetentionCommands.Hold.class, AuditRetentionCommands.Expire.class})
final class AuditCommand {

    /** Filters shared by export and query. */
    static final class Filters {
        @Option(names = "--subject") String subject;
        @Option(names = "--resource") String resource;
        @Option(names = "--decision", description = "allow, deny or approve") String decision;
        @Option(names = "--stream") String stream;
        @Option(names = "--kind", description = "sql, http or admin") String kind;
        @Option(names = "--session", description = "session.id") String session;
        @Option(names = "--from", description = "ISO-8601 time, inclusive") String from;
        @Option(names = "--to", description = "ISO-8601 time, exclusive") String to;
        @Option(names = "--approval", description = "an approval id: its request, decisions and the executions it released") String approval;

        Map<String, String> query() {
            Map<String, String> result = new LinkedHashMap<>();
            result.put("subject", subject);
            result.put("resource", resource);
            result.put("decision", decision);
            result.put("stream", stream);
            result.put("kind", kind);
            result.put("session", session);
            result.put("from", from);
            result.put("to", to);
            result.put("approval", approval);
            return result;
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = {"Verify an audit file, a directory of them, or a service (its base URL).",
                    "Exit 0 PROVEN: every event is covered by a checkpoint signed by a trusted key.",
                    "Exit 1 TAMPERED: events deleted, inserted, changed or reordered, or the witness disagrees.",
                    "Exit 3 NOT PROVEN: unsigned, untrusted key, or a tail no checkpoint covers.",
                    "Exit 2: usage (missing file, unreadable keys, service unreachable)."})
    static final class Verify implements Callable<Integer> {
        @Spec picocli.CommandLine.Model.CommandSpec spec;
        @Mixin ClientOptions client;
        @Parameters(paramLabel = "FILE|DIR|URL") String source;
        @Option(names = "--keys", paramLabel = "JWKS_FILE",
                description = "Trusted public keys that sign checkpoints (default for a service URL: its /v1/audit/keys)") Path keys;
        @Option(names = "--witness", paramLabel = "URL",
                description = "The enforcement service that witnessed the checkpoints; catches cuts after its last one") String witness;
        @Option(names = "--allow-unsigned", description = "Development only: accept checkpoints without a trusted signature")
        boolean allowUnsigned;
        @Option(names = "--allow-open-tail", description = "Development only: accept events after the last checkpoint")
        boolean allowOpenTail;

        @Override
        public Integer call() {
            PrintWriter err = spec.commandLine().getErr();
            try {
                return verify(spec.commandLine().getOut());
            } catch (VerifyUsage | CliException | AuditException e) {
                err.println("governed: " + e.getMessage());
                err.flush();
                return 2;
            }
        }

        private int verify(PrintWriter out) {
            ServiceSource service = ServiceSource.parse(source);
            AuditVerifier verifier = keys != null ? trusting(keys)
                    : service != null ? AuditVerifier.trusting(service.keys(client)) : AuditVerifier.withoutSignatures();
            List<Unproven.Allowance> allowed = new ArrayList<>();
            if (allowUnsigned) {
                allowed.add(Unproven.Allowance.UNSIGNED);
            }
            if (allowOpenTail) {
                allowed.add(Unproven.Allowance.OPEN_TAIL);
            }
            verifier = verifier.allowing(allowed);
            if (witness != null) {
                ServiceSource witnessService = ServiceSource.parse(witness);
                if (witnessService == null) {
                    throw new VerifyUsage("--witness takes the enforcement service's base URL, e.g. http://127.0.0.1:8080");
                }
                verifier = verifier.witnessedBy(witnessService.witnessedHeads(client));
            }
            VerificationResult result;
            Path downloaded = null;
            try {
                if (service != null) {
                    downloaded = Files.createTempFile("governed-audit-", ".jsonl");
                    result = verifier.verify(service.download(client, downloaded));
                } else {
                    Path file = Path.of(source);
                    if (!Files.exists(file)) {
                        throw new VerifyUsage("no audit file or directory at " + file + "; give the path of a .jsonl audit file,"
                                + " a directory of them, or the service's base URL");
                    }
                    if (!Files.isReadable(file)) {
                        throw new VerifyUsage("cannot read " + file + "; check its permissions");
                    }
                    result = verifier.verify(file);
                }
            } catch (IOException e) {
                throw new VerifyUsage("cannot read the audit trail " + source + ": " + e.getMessage());
            } finally {
                deleteQuietly(downloaded);
            }
            out.println(result.summary());
            out.flush();
            return result.verdict().exitCode();
        }

        private static AuditVerifier trusting(Path file) {
            if (!Files.isRegularFile(file)) {
                throw new VerifyUsage("no keys file at " + file + "; --keys takes a JWK or JWK Set file with the public keys"
                        + " that sign checkpoints");
            }
            return AuditVerifier.trusting(file);
        }

        private static void deleteQuietly(Path file) {
            if (file == null) {
                return;
            }
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a temporary file; the system cleans its temp folder
            }
        }
    }

    /** A mistake in the command's input: one line on stderr, exit 2. */
    static final class VerifyUsage extends RuntimeException {
        VerifyUsage(String message) {
            super(message, null, false, false);
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true, description = "Export events from the service.")
    static final class Export implements Callable<Integer> {
        @Spec picocli.CommandLine.Model.CommandSpec spec;
        @Mixin ClientOptions client;
        @Mixin Filters filters;
        @Option(names = "--format", defaultValue = "json", description = "json, jsonl, csv or ocsf") String format;
        @Option(names = "--out", paramLabel = "FILE", description = "Write here instead of standard output") Path out;

        @Override
        public Integer call() throws IOException {
            Map<String, String> query = filters.query();
            query.put("format", format);
            if (out != null) {
                client.client().download("/v1/audit/export", query, out);
            } else {
                spec.commandLine().getOut().print(client.client().get("/v1/audit/export", query));
                spec.commandLine().getOut().flush();
            }
            return 0;
        }
    }

    @Command(name = "query", mixinStandardHelpOptions = true,
            description = "Print matching events as a table (--json: one JSON object per line).")
    static final class Query implements Callable<Integer> {
        @Spec picocli.CommandLine.Model.CommandSpec spec;
        @Mixin ClientOptions client;
        @Mixin Filters filters;
        @Option(names = "--limit", defaultValue = "100") int limit;
        @Option(names = "--json", description = "One JSON object per line instead of a table") boolean json;

        @Override
        public Integer call() {
            Map<String, String> query = filters.query();
            query.put("limit", String.valueOf(limit));
            var body = dev.governed.service.web.Json.readTree(client.client().get("/v1/audit/events", query), "response");
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                body.get("events").forEach(each -> out.println(each.toString()));
                return 0;
            }
            List<com.fasterxml.jackson.databind.JsonNode> events = new ArrayList<>();
            body.get("events").forEach(events::add);
            out.print(EventTable.render(events));
            out.println(events.size() + " event(s)" + (events.size() == limit ? "; more may match (raise --limit)" : ""));
            out.flush();
            return 0;
        }
    }
}
