package dev.governed.core.mask;

import java.util.Map;

/**
 * {@code email}: {@code jane@example.com} becomes {@code j***@example.com}; a one-character
 * local part is hidden whole; text without exactly one usable {@code @} is redacted whole.
 * Non-text columns are masked in their text form and come back as text.
 */
public final class EmailStrategy implements MaskStrategy {

    @Override
    public String type() {
        return "email";
    }

    @Override
    public MaskStrategy init(Map<String, Object> options, MaskConfiguration configuration) {
        return this;
    }

    @Override
    public Object mask(Object value) {
        String text = MaskText.of(value);
        int at = text.indexOf('@');
        if (at <= 0 || text.indexOf('@', at + 1) >= 0 || at == text.length() - 1) {
            return RedactStrategy.DEFAULT;
        }
        int first = Character.charCount(text.codePointAt(0));
        int shown = first == at ? 0 : first;
        String result = maskLatin1(text, at, shown);
        return result != null ? result : maskChars(text, at, shown);
    }

    /** The first {@code shown} chars, {@code ***} and the domain from {@code at}, built in one byte array. */
    private static String maskLatin1(String text, int at, int shown) {
        int length = text.length();
        byte[] result = new byte[shown + HIDDEN.length() + length - at];
        int next = 0;
        for (int i = 0; i < shown; i++) {
            char each = text.charAt(i);
            if (each > MaskText.LATIN1_MAX) {
                return null;
            }
            result[next++] = (byte) each;
        }
        for (int i = 0; i < HIDDEN.length(); i++) {
            result[next++] = (byte) HIDDEN.charAt(i);
        }
        for (int i = at; i < length; i++) {
            char each = text.charAt(i);
            if (each > MaskText.LATIN1_MAX) {
                return null;
            }
            result[next++] = (byte) each;
        }
        return MaskText.latin1(result, 0, result.length);
    }

    /** The same for text with wider characters: one char array, no builder. */
    private static String maskChars(String text, int at, int shown) {
        int length = text.length();
        char[] result = new char[shown + HIDDEN.length() + length - at];
        text.getChars(0, shown, result, 0);
        HIDDEN.getChars(0, HIDDEN.length(), result, shown);
        text.getChars(at, length, result, shown + HIDDEN.length());
        return new String(result);
    }

    private static final String HIDDEN = "***";
}
