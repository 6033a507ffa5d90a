package dev.governed.core.mask;

import java.sql.Blob;
import java.sql.Clob;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.HexFormat;

/** The text a text-based strategy masks: strings as they are, bytes and LOBs read whole, anything else its toString. */
final class MaskText {

    private MaskText() {}

    static String of(Object value) {
        try {
            if (value instanceof String text) {
                return text;
            }
            if (value instanceof byte[] bytes) {
                return HexFormat.of().formatHex(bytes);
            }
            if (value instanceof Clob clob) {
                return clob.getSubString(1, (int) Math.min(Integer.MAX_VALUE, clob.length()));
            }
            if (value instanceof Blob blob) {
                return HexFormat.of().formatHex(blob.getBytes(1, (int) Math.min(Integer.MAX_VALUE, blob.length())));
            }
        } catch (SQLException e) {
            // an unreadable LOB is masked whole rather than shown
            return "";
        }
        return String.valueOf(value);
    }

    /** The largest character ISO-8859-1 holds in one byte: text of such characters is stored one byte each. */
    static final char LATIN1_MAX = '\u00ff';

    /**
     * The text as ISO-8859-1 bytes, one per char, or null when a character does not fit in a byte. For text the
     * JVM stores one byte per character (the usual case) this is one array copy, not a loop over the chars.
     */
    static byte[] latin1Bytes(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1); // '?' for what does not fit
        if (bytes.length != text.length()) {
            return null; // a surrogate pair became one '?'
        }
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '?' && text.charAt(i) != '?') {
                return null;
            }
        }
        return bytes;
    }

    /** The string of these ISO-8859-1 bytes: one copy, no decoding. */
    static String latin1(byte[] bytes, int offset, int length) {
        return new String(bytes, offset, length, StandardCharsets.ISO_8859_1);
    }

    /** True when some character of {@code text} takes two UTF-16 units, so code points and chars differ. */
    static boolean hasSurrogates(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (Character.isSurrogate(text.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    /** {@code count} copies of {@code mask}. */
    static String repeat(int mask, int count) {
        return Character.toString(mask).repeat(Math.max(0, count));
    }
}
