package dev.governed.service.cli;

import dev.governed.audit.AuditException;
import dev.governed.audit.export.AuditReport;
import dev.governed.audit.export.ReportRenderer;
import dev.governed.audit.verify.AuditVerifier;
import dev.governed.audit.verify.VerificationResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code governed audit report}: the verification verdict, then per identity, resource, rule and environment the
 * allowed, denied, approved and masked counts (each linked to its event ids), the denied attempts, the approvals and
 * a timeline, as HTML or Markdown (by the {@code --out} file's extension).
 */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Write the auditor's report for a period: verdict, counts per identity/resource/rule/environment,",
                "denied attempts, approvals, timeline. Reads FILE|DIR, or the service's whole trail when none is given.",
                "Exit 0 when written (whatever the verdict, which the report states), 2 on a usage error."})
final class AuditReportCommand implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin ClientOptions client;
    @Parameters(paramLabel = "FILE|DIR", arity = "0..1", description = "A local trail; default: the service's (--server)") Path trail;
    @Option(names = "--from", required = true, description = "ISO-8601 time, inclusive, e.g. 2026-11-01T00:00:00Z") String from;
    @Option(names = "--to", required = true, description = "ISO-8601 time, exclusive") String to;
    @Option(names = "--resource", description = "Only this resource") String resource;
    @Option(names = "--keys", paramLabel = "JWKS_FILE", description = "Trusted checkpoint keys (default for the service: its /v1/audit/keys)")
    Path keys;
    @Option(names = "--out", required = true, paramLabel = "report.html|report.md") Path out;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        Path downloaded = null;
        try {
            Instant start = time("--from", from);
            Instant end = time("--to", to);
            String name = out.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
            if (!name.endsWith(".html") && !name.endsWith(".md")) {
                throw new AuditCommand.VerifyUsage("--out " + out + " must end in .html or .md (the report's format)");
            }
            Path source = trail;
            AuditVerifier verifier;
            if (source == null) {
                ServiceSource service = ServiceSource.parse(client.server != null ? client.server
                        : System.getenv().getOrDefault("GOVERNED_SERVER", "http://127.0.0.1:8080"));
                if (service == null) {
                    throw new AuditCommand.VerifyUsage("--server must be the service's base URL, e.g. http://127.0.0.1:8080");
                }
                downloaded = Files.createTempFile("governed-report-", ".jsonl");
                source = service.download(client, downloaded);
                verifier = keys != null ? AuditVerifier.trusting(keys) : AuditVerifier.trusting(service.keys(client));
            } else {
                if (!Files.exists(source)) {
                    throw new AuditCommand.VerifyUsage("no audit file or directory at " + source);
                }
                verifier = keys != null ? AuditVerifier.trusting(keys) : AuditVerifier.withoutSignatures();
            }
            VerificationResult verdict = verifier.verify(source);
            AuditReport report = AuditReport.of(source, start, end, resource);
            String text = name.endsWith(".md") ? ReportRenderer.markdown(report, verdict.summary())
                    : ReportRenderer.html(report, verdict.summary());
            Files.writeString(out, text, StandardCharsets.UTF_8);
            spec.commandLine().getOut().println("wrote " + out + ": " + report.events() + " event(s), " + report.deniedTotal()
                    + " denied, " + report.approvalTotal() + " approval(s); trail " + verdict.verdict().label());
            return 0;
        } catch (AuditCommand.VerifyUsage | CliException | AuditException e) {
            err.println("governed: " + e.getMessage());
            return 2;
        } catch (IOException e) {
            err.println("governed: cannot read or write the report files: " + e.getMessage());
            return 2;
        } finally {
            if (downloaded != null) {
                try {
                    Files.deleteIfExists(downloaded);
                } catch (IOException ignored) {
                    // a temporary file
                }
            }
        }
    }

    private static Instant time(String option, String value) {
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new AuditCommand.VerifyUsage(option + " '" + value + "' is not an ISO-8601 UTC time like 2026-11-01T00:00:00Z");
        }
    }
}
