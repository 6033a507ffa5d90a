package dev.governed.audit.verify;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The outcome of verifying audit files: counts, the contradictions found ({@link #problems}, each located at
 * file:line), the parts no trusted signature covers ({@link #unproven}), notes (e.g. a crashed writer that
 * resumed) and the {@link #verdict}.
 *
 * @param allowed the gaps the user accepted as proven ({@code --allow-unsigned}, {@code --allow-open-tail})
 */
public record VerificationResult(
        List<String> files,
        long events,
        long duplicates,
        int streams,
        long checkpoints,
        long checkpointsSigned,
        List<Problem> problems,
        List<String> warnings,
        List<Unproven> unproven,
        List<String> notes,
        Set<Unproven.Allowance> allowed) {

    public VerificationResult {
        files = List.copyOf(files);
        problems = List.copyOf(problems);
        warnings = List.copyOf(warnings);
        unproven = List.copyOf(unproven);
        notes = List.copyOf(notes);
        allowed = Set.copyOf(allowed);
    }

    /** No contradiction found: nothing was deleted, inserted, changed or reordered (signatures aside). */
    public boolean intact() {
        return problems.isEmpty();
    }

    /** The gaps that keep the verdict from PROVEN: those the user did not allow. */
    public List<Unproven> unprovenNotAllowed() {
        return unproven.stream().filter(u -> u.reason().waivedBy() == null || !allowed.contains(u.reason().waivedBy())).toList();
    }

    public Verdict verdict() {
        if (!problems.isEmpty()) {
            return Verdict.TAMPERED;
        }
        return unprovenNotAllowed().isEmpty() ? Verdict.PROVEN : Verdict.NOT_PROVEN;
    }

    public Optional<Problem> firstProblem() {
        return problems.stream().findFirst();
    }

    /** A human summary, e.g. for {@code governed audit verify}: the verdict first, then why. */
    public String summary() {
        StringBuilder out = new StringBuilder();
        Verdict verdict = verdict();
        out.append(verdict.label()).append(": ")
                .append(events).append(" events in ").append(streams).append(" stream(s), ")
                .append(checkpoints).append(" checkpoint(s), ").append(checkpointsSigned).append(" signed by a trusted key");
        if (duplicates > 0) {
            out.append(", ").append(duplicates).append(" duplicate deliveries ignored");
        }
        String nl = System.lineSeparator();
        problems.forEach(p -> out.append(nl).append("  tampered  ").append(p));
        for (Unproven each : unproven) {
            boolean waived = each.reason().waivedBy() != null && allowed.contains(each.reason().waivedBy());
            out.append(nl).append(waived ? "  allowed   " : "  unproven  ").append(each.reason().name().toLowerCase()
                    .replace('_', ' ')).append(": ").append(each);
        }
        notes.forEach(n -> out.append(nl).append("  note      ").append(n));
        warnings.forEach(w -> out.append(nl).append("  warning   ").append(w));
        if (verdict == Verdict.NOT_PROVEN) {
            out.append(nl).append("  to prove it: give the public keys that sign checkpoints (--keys), and verify after the"
                    + " writer closed (its last checkpoint covers the tail); --allow-unsigned / --allow-open-tail accept"
                    + " these gaps for development only");
        }
        return out.toString();
    }
}
