package dev.governed.audit.verify;

/**
 * A part of the trail that nothing contradicts but no trusted signature covers: why it keeps the verdict at
 * {@link Verdict#NOT_PROVEN} unless the user accepted that kind of gap ({@link Allowance}).
 */
public record Unproven(Reason reason, String stream, String detail) {

    public enum Reason {
        /** No trusted keys were given, so no signature was checked. */
        NO_KEYS(Allowance.UNSIGNED),
        /** Checkpoints without a signature. */
        UNSIGNED(Allowance.UNSIGNED),
        /** Checkpoints signed by a key that is not among the trusted ones. */
        UNTRUSTED_KEY(Allowance.UNSIGNED),
        /** Events after a stream's last checkpoint that no later stream resumed from: a live writer, or a cut. */
        OPEN_TAIL(Allowance.OPEN_TAIL),
        /** Nothing to prove: no event in the trail. */
        EMPTY(null);

        private final Allowance waivedBy;

        Reason(Allowance waivedBy) {
            this.waivedBy = waivedBy;
        }

        /** The opt-in that accepts this gap, or null when none does. */
        public Allowance waivedBy() {
            return waivedBy;
        }
    }

    /** Explicit opt-ins for development: {@code --allow-unsigned}, {@code --allow-open-tail}. */
    public enum Allowance {
        UNSIGNED, OPEN_TAIL
    }

    @Override
    public String toString() {
        return (stream == null ? "" : "stream " + stream + ": ") + detail;
    }
}
