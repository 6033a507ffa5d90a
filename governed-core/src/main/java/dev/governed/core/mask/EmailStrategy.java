package dev.governed.core.mask;

import java.util.Arrays;
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
        String result = maskAscii(text, at, shown);
        return result != null ? result : maskChars(text, at, shown);
    }

    /** For ASCII text: the first {@code shown} bytes, {@code ***} and the domain from {@code at}. Null otherwise. */
    private static String maskAscii(String text, int at, int shown) {
        byte[] bytes = MaskText.asciiBytes(text);
        if (bytes == null) {
            return null;
        }
        int domain = bytes.length - at;
        byte[] result = new byte[shown + HIDDEN.length + domain];
        System.arraycopy(bytes, 0, result, 0, shown);
        System.arraycopy(HIDDEN, 0, result, shown, HIDDEN.length);
        System.arraycopy(bytes, at, result, shown + HIDDEN.length, domain);
        return MaskText.ascii(result, 0, result.length);
    }

    /** The same for text with wider characters: one char array, no builder. */
    private static String maskChars(String text, int at, int shown) {
        int length = text.length();
        char[] result = new char[shown + HIDDEN.length + length - at];
        text.getChars(0, shown, result, 0);
        Arrays.fill(result, shown, shown + HIDDEN.length, '*');
        text.getChars(at, length, result, shown + HIDDEN.length);
        return new String(result);
    }

    private static final byte[] HIDDEN = {'*', '*', '*'};
}
