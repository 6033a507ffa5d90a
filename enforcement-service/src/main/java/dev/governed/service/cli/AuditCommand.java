package dev.governed.service.cli;

import dev.governed.audit.verify.AuditVerifier;
import dev.governed.audit.verify.VerificationResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code governed audit verify|export|query}. */
@Command(name = "audit", mixinStandardHelpOptions = true, description = "Verify, export and query the audit trail.",
        subcommands = {AuditCommand.Verify.class, AuditCommand.Export.class, AuditCommand.Query.class})
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
            description = "Verify an audit file, directory or export URL; exit 0 only when intact.")
    static final class Verify implements Callable<Integer> {
        @Spec picocli.CommandLine.Model.CommandSpec spec;
        @Mixin ClientOptions client;
        @Parameters(paramLabel = "FILE|URL") String source;
        @Option(names = "--keys", paramLabel = "JWKS_FILE", description = "Trusted public keys that sign checkpoints") Path keys;

        @Override
        public Integer call() throws IOException {
            AuditVerifier verifier = keys == null ? AuditVerifier.withoutSignatures() : AuditVerifier.trusting(keys);
            Path target;
            Path downloaded = null;
            if (source.startsWith("http://") || source.startsWith("https://")) {
                downloaded = Files.createTempFile("governed-audit-", ".jsonl");
                URI uri = URI.create(source);
                String base = uri.getScheme() + "://" + uri.getRawAuthority();
                String path = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
                client.server = base;
                target = client.client().download(path, Map.of(), downloaded);
            } else {
                target = Path.of(source);
            }
            try {
                VerificationResult result = verifier.verify(target);
                PrintWriter out = spec.commandLine().getOut();
                out.println(result.summary());
                return result.intact() ? 0 : 1;
            } finally {
                if (downloaded != null) {
                    Files.deleteIfExists(downloaded);
                }
            }
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

    @Command(name = "query", mixinStandardHelpOptions = true, description = "Print matching events, one JSON object per line.")
    static final class Query implements Callable<Integer> {
        @Spec picocli.CommandLine.Model.CommandSpec spec;
        @Mixin ClientOptions client;
        @Mixin Filters filters;
        @Option(names = "--limit", defaultValue = "100") int limit;

        @Override
        public Integer call() {
            Map<String, String> query = filters.query();
            query.put("limit", String.valueOf(limit));
            var body = dev.governed.service.web.Json.readTree(client.client().get("/v1/audit/events", query), "response");
            body.get("events").forEach(each -> spec.commandLine().getOut().println(each.toString()));
            return 0;
        }
    }
}
