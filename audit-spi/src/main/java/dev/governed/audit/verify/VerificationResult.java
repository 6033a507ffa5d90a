package dev.governed.audit.verify;

import java.util.List;
import java.util.Optional;

/**
 * What {@link AuditVerifier} found.
 *
 * @param events distinct events read (exact re-deliveries counted in {@code duplicates} instead)
 * @param duplicates byte-for-byte re-deliveries of an event already seen (at-least-once), not tampering
 * @param checkpointsSigned checkpoints whose signature was verified against a trusted key
 * @param problems evidence of tampering or damage, in file order; {@link #intact()} when empty
 * @param warnings what cannot be proven but is not evidence of tampering, e.g. events after the last checkpoint
 */
public record VerificationResult(
        List<String> files,
        long events,
        long duplicates,
        int streams,
        long checkpoints,
        long checkpointsSigned,
        List<Problem> problems,
        List<String> warnings) {

    public VerificationResult {
        files = List.copyOf(files);
        problems = List.copyOf(problems);
        warnings = List.copyOf(warnings);
    }

    public boolean intact() {
        return problems.isEmpty();
    }

    public Optional<Problem> firstProblem() {
        return problems.stream().findFirst();
    }

    /** A human summary, e.g. for {@code governed audit verify}. */
    public String summary() {
        StringBuilder out = new StringBuilder();
        out.append(intact() ? "INTACT" : "TAMPERED OR DAMAGED").append(": ")
                .append(events).append(" events in ").append(streams).append(" stream(s), ")
                .append(checkpoints).append(" checkpoint(s), ").append(checkpointsSigned).append(" signature(s) verified");
        if (duplicates > 0) {
            out.append(", ").append(duplicates).append(" duplicate deliveries ignored");
        }
        problems.forEach(p -> out.append(System.lineSeparator()).append("  problem ").append(p));
        warnings.forEach(w -> out.append(System.lineSeparator()).append("  warning ").append(w));
        return out.toString();
    }
}
