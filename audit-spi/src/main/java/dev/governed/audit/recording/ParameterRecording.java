package dev.governed.audit.recording;

import dev.governed.audit.AuditEvent;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Locale;

/**
 * What an event keeps of a bound parameter ({@code governed.audit.parameters}): {@code values} its canonical text,
 * {@code digest} the hex SHA-256 of that text, {@code none} nothing (the event lists no parameters). Whatever the
 * setting, a parameter of a statement that touches a column masked for the caller is withheld: its type only.
 */
public enum ParameterRecording {
    VALUES, DIGEST, NONE;

    public static final String SETTING = "governed.audit.parameters";
    /** How many parameter sets of one batch an event keeps (the rest are only counted). */
    public static final String BATCH_SETS_SETTING = "governed.audit.batchSets";

    /** @throws IllegalArgumentException naming the allowed values */
    public static ParameterRecording parse(String text) {
        if (text == null) {
            return VALUES;
        }
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "values" -> VALUES;
            case "digest" -> DIGEST;
            case "none" -> NONE;
            default -> throw new IllegalArgumentException(SETTING + "=" + text + " is not one of values, digest, none");
        };
    }

    /** The recorded form of {@code value}; {@code withheld} for a statement that touches a masked column. */
    public AuditEvent.Parameter record(Object value, boolean withheld) {
        CanonicalValue canonical = CanonicalValue.ofParameter(value);
        if (canonical.text() == null) {
            return new AuditEvent.Parameter(null, canonical.type(), null);
        }
        if (withheld) {
            return new AuditEvent.Parameter(null, canonical.type(), null);
        }
        if (this == DIGEST) {
            return new AuditEvent.Parameter(sha256(canonical.text()), canonical.type(), null);
        }
        return new AuditEvent.Parameter(null, canonical.type(), canonical.text());
    }

    /**
     * The hex SHA-256 of a recorded parameter's text: as recorded ({@code digest}), or of its value ({@code values});
     * null when the event holds neither (withheld, SQL NULL, a stream). Exports carry this, never the value.
     */
    public static String digestOf(AuditEvent.Parameter parameter) {
        if (parameter.sha256() != null) {
            return parameter.sha256();
        }
        return parameter.value() == null ? null : sha256(parameter.value());
    }

    static String sha256(String text) {
        return HexFormat.of().formatHex(RowDigest.sha256().digest(text.getBytes(StandardCharsets.UTF_8)));
    }
}
