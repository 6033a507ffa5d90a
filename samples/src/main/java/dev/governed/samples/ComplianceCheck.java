package dev.governed.samples;

import dev.governed.audit.export.AuditExporter;
import dev.governed.audit.export.ExportFilter;
import dev.governed.audit.export.ExportFormat;
import dev.governed.audit.verify.AuditVerifier;
import dev.governed.audit.verify.VerificationResult;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a compliance reader does with a trail: verify it against the checkpoint signing key, then export it as OCSF
 * for a SIEM, and the denials for review. {@code ComplianceCheck <audit file or folder> <public key>}; without
 * arguments it first writes a signed trail with {@link UrlSwap}. Run it with
 * {@code mvn -B -q -DskipTests -pl samples -am package exec:java -Dexec.mainClass=dev.governed.samples.ComplianceCheck}
 * (add {@code -Dexec.args="/var/log/governed audit-public.jwk"} for your own trail). Exits 1 unless the trail is proven intact.
 */
public final class ComplianceCheck {
    private ComplianceCheck() {}

    public static void main(String[] args) throws Exception {
        Path folder = SampleFolder.of("compliance");
        Path trail;
        Path key;
        if (args.length == 2) {
            trail = Path.of(args[0]);
            key = Path.of(args[1]);
        } else {
            UrlSwap.run(folder, System.out);
            trail = folder.resolve("audit.jsonl");
            key = folder.resolve("audit-public.jwk");
        }
        if (!check(trail, key, folder, System.out)) {
            System.exit(1);
        }
    }

    /** Verifies {@code trail} and, when intact, writes {@code audit.ocsf.jsonl} and {@code denials.csv} into {@code out}. */
    static boolean check(Path trail, Path key, Path folder, PrintStream out) throws Exception {
        VerificationResult verified = AuditVerifier.trusting(key).verify(trail);
        out.println("verify: " + verified.summary());
        if (!verified.intact() || !verified.warnings().isEmpty()) {
            return false;  // strict: every event under a checkpoint signed by the key; an unproven export proves nothing
        }
        Path ocsf = folder.resolve("audit.ocsf.jsonl");
        try (Writer writer = Files.newBufferedWriter(ocsf)) {
            out.println("export: " + AuditExporter.of(ExportFormat.OCSF, ExportFilter.all()).export(trail, writer)
                    + " OCSF events in " + ocsf);
        }
        Path denials = folder.resolve("denials.csv");
        try (Writer writer = Files.newBufferedWriter(denials)) {
            out.println("report: " + AuditExporter.of(ExportFormat.CSV, ExportFilter.all().withDecision("deny")).export(trail, writer)
                    + " denied statement(s) in " + denials);
        }
        return true;
    }
}
