package dev.governed.audit.recording;

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
 *
 * <p>{@linkplain #RowDigest(boolean) Asked for}, it also keeps a digest of the rows as a multiset, for a result whose
 * row order is the database's choice: each row's bytes (as above) hashed on their own with SHA-256, the hashes added
 * as 256-bit unsigned big-endian integers modulo 2^256 (so the order does not matter and a repeated row counts
 * twice), and {@link #finishUnordered} is the SHA-256 of {@code 'U'}, the row count (8 bytes, big-endian) and that
 * sum (32 bytes). It tells a replay whether the same rows came back; the ordered digest remains the record of what
 * the caller saw.
 */
public final class RowDigest {

    private final MessageDigest sha = sha256();
    private final MessageDigest rowSha;
    private final byte[] sum;
    private long rowCount;
    /** One row's bytes, hashed with one update: many small updates cost more than the hashing. */
    private byte[] row = new byte[256];
    private int length;

    /** The digest of the rows in the order read. */
    public RowDigest() {
        this(false);
    }

    /** {@code unordered}: also the digest of the rows as a multiset ({@link #finishUnordered}). */
    public RowDigest(boolean unordered) {
        rowSha = unordered ? sha256() : null;
        sum = unordered ? new byte[32] : null;
    }

    /** Adds the current row of {@code rows}; {@code masked[i]} is true for a masked column {@code i} (1-based). */
    public void add(ResultSet rows, int columns, boolean[] masked) throws SQLException {
        length = 0;
        put((byte) 'R');
        integer(columns);
        for (int i = 1; i <= columns; i++) {
            if (masked != null && i < masked.length && masked[i]) {
                put((byte) 'M');
                continue;
            }
            Object value = rows.getObject(i);
            if (value == null) {
                put((byte) 'N');
                continue;
            }
            value(CanonicalValue.of(value));
        }
        sha.update(row, 0, length);
        if (rowSha != null) {
            rowSha.update(row, 0, length);
            addToSum(rowSha.digest());
            rowCount++;
        }
    }

    private void addToSum(byte[] hash) {
        int carry = 0;
        for (int i = sum.length - 1; i >= 0; i--) {
            int total = (sum[i] & 0xff) + (hash[i] & 0xff) + carry;
            sum[i] = (byte) total;
            carry = total >>> 8;
        }
    }

    private void value(CanonicalValue value) {
        put((byte) 'V');
        String type = value.type(); // ASCII
        put((byte) type.length());
        for (int i = 0; i < type.length(); i++) {
            put((byte) type.charAt(i));
        }
        String text = value.text() == null ? "" : value.text();
        int lengthAt = length;
        integer(0); // patched below with the UTF-8 length
        if (ascii(text)) {
            ensure(text.length());
            for (int i = 0; i < text.length(); i++) {
                row[length++] = (byte) text.charAt(i);
            }
        } else {
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            ensure(bytes.length);
            System.arraycopy(bytes, 0, row, length, bytes.length);
            length += bytes.length;
        }
        int size = length - lengthAt - 4;
        row[lengthAt] = (byte) (size >>> 24);
        row[lengthAt + 1] = (byte) (size >>> 16);
        row[lengthAt + 2] = (byte) (size >>> 8);
        row[lengthAt + 3] = (byte) size;
    }

    private static boolean ascii(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    private void integer(int value) {
        ensure(4);
        row[length++] = (byte) (value >>> 24);
        row[length++] = (byte) (value >>> 16);
        row[length++] = (byte) (value >>> 8);
        row[length++] = (byte) value;
    }

    private void put(byte value) {
        ensure(1);
        row[length++] = value;
    }

    private void ensure(int more) {
        if (length + more > row.length) {
            row = java.util.Arrays.copyOf(row, Math.max(row.length * 2, length + more));
        }
    }

    /** The hex digest of the rows added so far; the digest cannot be added to afterwards. */
    public String finish() {
        return HexFormat.of().formatHex(sha.digest());
    }

    /**
     * The hex digest of the rows added so far as a multiset; the digest cannot be added to afterwards.
     *
     * @throws IllegalStateException when this digest was not asked to keep it
     */
    public String finishUnordered() {
        if (rowSha == null) {
            throw new IllegalStateException("this RowDigest keeps the ordered digest only; create it with RowDigest(true)");
        }
        MessageDigest result = sha256();
        result.update((byte) 'U');
        for (int shift = 56; shift >= 0; shift -= 8) {
            result.update((byte) (rowCount >>> shift));
        }
        result.update(sum);
        return HexFormat.of().formatHex(result.digest());
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }
}
