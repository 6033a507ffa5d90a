package dev.governed.audit.recording;

import java.io.InputStream;
import java.io.Reader;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.SQLException;
import java.time.temporal.TemporalAccessor;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.UUID;

/**
 * The canonical (type, text) of a JDBC value, shared by parameter recording, result digests and
 * replay so that all three agree whatever driver read the value. Types: {@code string}, {@code integer}
 * (Byte, Short, Integer, Long, BigInteger: decimal digits), {@code decimal} (BigDecimal, trailing zeros
 * stripped, plain), {@code float}, {@code double} (Java's shortest repeatable form), {@code boolean},
 * {@code bytes} (byte[] or Blob, lower-case hex), {@code date}, {@code time}, {@code timestamp},
 * {@code timetz}, {@code timestamptz} (ISO-8601 of the java.time value, java.sql types converted first),
 * {@code uuid}, {@code array} (elements' texts, Arrays.deepToString), {@code stream} (an InputStream or
 * Reader bound as a parameter: never read, so no text), {@code null}, and {@code other} (toString).
 */
public record CanonicalValue(String type, String text) {

    public static final CanonicalValue NULL = new CanonicalValue("null", null);

    /** The canonical form of {@code value}; a LOB or array is read (not for parameters: see {@link #ofParameter}). */
    public static CanonicalValue of(Object value) throws SQLException {
        if (value instanceof Clob clob) {
            return new CanonicalValue("string", clob.length() == 0 ? "" : clob.getSubString(1, (int) clob.length()));
        }
        if (value instanceof Blob blob) {
            return new CanonicalValue("bytes", HexFormat.of().formatHex(blob.length() == 0 ? new byte[0]
                    : blob.getBytes(1, (int) blob.length())));
        }
        if (value instanceof Array array) {
            return new CanonicalValue("array", Arrays.deepToString(texts((Object[]) array.getArray())));
        }
        return ofParameter(value);
    }

    /** The canonical form of a bound parameter: streams, readers and LOBs are not read (the driver reads them once). */
    public static CanonicalValue ofParameter(Object value) {
        if (value == null) {
            return NULL;
        }
        if (value instanceof String || value instanceof Character) {
            return new CanonicalValue("string", value.toString());
        }
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte
                || value instanceof BigInteger) {
            return new CanonicalValue("integer", value.toString());
        }
        if (value instanceof BigDecimal decimal) {
            return new CanonicalValue("decimal", decimal.signum() == 0 ? "0" : decimal.stripTrailingZeros().toPlainString());
        }
        if (value instanceof Double) {
            return new CanonicalValue("double", value.toString());
        }
        if (value instanceof Float) {
            return new CanonicalValue("float", value.toString());
        }
        if (value instanceof Boolean) {
            return new CanonicalValue("boolean", value.toString());
        }
        if (value instanceof byte[] bytes) {
            return new CanonicalValue("bytes", HexFormat.of().formatHex(bytes));
        }
        if (value instanceof UUID) {
            return new CanonicalValue("uuid", value.toString());
        }
        CanonicalValue temporal = temporal(value);
        if (temporal != null) {
            return temporal;
        }
        if (value instanceof InputStream || value instanceof Reader || value instanceof Blob || value instanceof Clob) {
            return new CanonicalValue("stream", null);
        }
        if (value instanceof Object[] array) {
            return new CanonicalValue("array", Arrays.deepToString(texts(array)));
        }
        return new CanonicalValue("other", value.toString());
    }

    private static CanonicalValue temporal(Object value) {
        if (value instanceof java.sql.Timestamp timestamp) {
            return new CanonicalValue("timestamp", timestamp.toLocalDateTime().toString());
        }
        if (value instanceof java.sql.Date date) {
            return new CanonicalValue("date", date.toLocalDate().toString());
        }
        if (value instanceof java.sql.Time time) {
            return new CanonicalValue("time", time.toLocalTime().toString());
        }
        if (!(value instanceof TemporalAccessor)) {
            return null;
        }
        String type = value instanceof java.time.LocalDate ? "date"
                : value instanceof java.time.LocalTime ? "time"
                : value instanceof java.time.LocalDateTime ? "timestamp"
                : value instanceof java.time.OffsetTime ? "timetz"
                : value instanceof java.time.OffsetDateTime ? "timestamptz"
                : value instanceof java.time.Instant ? "timestamptz"
                : value instanceof java.time.ZonedDateTime ? "timestamptz" : null;
        if (type == null) {
            return null;
        }
        if (value instanceof java.time.Instant instant) {
            return new CanonicalValue(type, instant.atOffset(java.time.ZoneOffset.UTC).toString());
        }
        if (value instanceof java.time.ZonedDateTime zoned) {
            return new CanonicalValue(type, zoned.toOffsetDateTime().toString());
        }
        return new CanonicalValue(type, value.toString());
    }

    private static Object[] texts(Object[] elements) {
        Object[] result = new Object[elements.length];
        for (int i = 0; i < elements.length; i++) {
            Object each = elements[i];
            result[i] = each instanceof Object[] nested ? texts(nested) : each == null ? null : ofParameter(each).text();
        }
        return result;
    }

    /** Whether the value's text can be recorded and bound again. */
    public boolean replayable() {
        return !type.equals("stream") && !type.equals("array") && !type.equals("other");
    }
}
