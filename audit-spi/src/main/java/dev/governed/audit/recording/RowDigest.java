package dev.governed.audit.recording;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HexFormat;

/**
 * The digest of a result's rows as the caller saw them, computed row by row as they are read, by the driver when
 * it records a session and by {@code governed replay --against} when it runs the session again.
 *
 * <p>SHA-256 over, for each row in the order read: {@code 'R'}, the column count (4 bytes, big-endian), then per
 * column either {@code 'N'} (SQL NULL), {@code 'M'} (a column masked for the caller: only that it was masked is
 * covered, never a value), or {@code 'V'}, the type of its {@link CanonicalValue} (1 byte length, ASCII), the
 * length of its text in UTF-8 (4 bytes, big-endian) and that text. No rows: the SHA-256 of nothing.
 */
public final class RowDigest {

    private final MessageDigest sha = sha256();
    private final ByteBuffer number = ByteBuffer.allocate(4);

    /** Adds the current row of {@code rows}; {@code masked[i]} is true for a masked column {@code i} (1-based). */
    public void add(ResultSet rows, int columns, boolean[] masked) throws SQLException {
        sha.update((byte) 'R');
        integer(columns);
        for (int i = 1; i <= columns; i++) {
            if (masked != null && i < masked.length && masked[i]) {
                sha.update((byte) 'M');
                continue;
            }
            Object value = rows.getObject(i);
            if (value == null) {
                sha.update((byte) 'N');
                continue;
            }
            value(CanonicalValue.of(value));
        }
    }

    private void value(CanonicalValue value) {
        sha.update((byte) 'V');
        byte[] type = value.type().getBytes(StandardCharsets.US_ASCII);
        sha.update((byte) type.length);
        sha.update(type);
        byte[] text = value.text() == null ? new byte[0] : value.text().getBytes(StandardCharsets.UTF_8);
        integer(text.length);
        sha.update(text);
    }

    private void integer(int value) {
        number.clear();
        number.putInt(value);
        sha.update(number.array());
    }

    /** The hex digest of the rows added so far; the digest cannot be added to afterwards. */
    public String finish() {
        return HexFormat.of().formatHex(sha.digest());
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }
}
