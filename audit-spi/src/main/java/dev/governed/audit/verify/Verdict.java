package dev.governed.audit.verify;

/**
 * What a verification proves, with the exit code of {@code governed audit verify}: {@link #PROVEN} only when
 * every event is covered by a checkpoint signed by a trusted key; {@link #TAMPERED} when the trail contradicts
 * itself (or its witness); {@link #NOT_PROVEN} when nothing contradicts it but a part is not covered by a trusted
 * signature (unsigned, untrusted key, open tail), which an attacker who can write the file could have forged.
 */
public enum Verdict {
    PROVEN(0, "PROVEN"),
    TAMPERED(1, "TAMPERED"),
    NOT_PROVEN(3, "NOT PROVEN");

    private final int exitCode;
    private final String label;

    Verdict(int exitCode, String label) {
        this.exitCode = exitCode;
        this.label = label;
    }

    public int exitCode() {
        return exitCode;
    }

    public String label() {
        return label;
    }
}
