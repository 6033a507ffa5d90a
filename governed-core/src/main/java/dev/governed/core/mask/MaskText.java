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

    /**
     * The text's bytes when every character is ASCII (the usual case for identifiers, phone numbers and
     * addresses), else null. The JDK encodes such text to UTF-8 as one array copy after a vectorised
     * check, and any other character takes two bytes or more, so the length alone tells: no loop here.
     */
    static byte[] asciiBytes(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return bytes.length == text.length() ? bytes : null;
    }

    /** The string of these ASCII bytes: one copy, no decoding. */
    static String ascii(byte[] bytes, int offset, int length) {
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
