package dev.governed.audit.recording;

import java.util.Locale;

/**
 * Whether result sets are summarised in the audit trail ({@code governed.audit.results}): {@code none} (the
 * default: no per-row cost) or {@code digest} (a {@link RowDigest} of the rows read, in a follow-up event).
 */
public enum ResultRecording {
    NONE, DIGEST;

    public static final String SETTING = "governed.audit.results";

    /** @throws IllegalArgumentException naming the allowed values */
    public static ResultRecording parse(String text) {
        if (text == null) {
            return NONE;
        }
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "none" -> NONE;
            case "digest" -> DIGEST;
            default -> throw new IllegalArgumentException(SETTING + "=" + text + " is not one of none, digest");
        };
    }
}
