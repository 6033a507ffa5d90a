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
        if (at <= 0 || at != text.lastIndexOf('@') || at == text.length() - 1) {
            return RedactStrategy.DEFAULT;
        }
        int first = text.codePointAt(0);
        int shown = Character.charCount(first) == at ? 0 : Character.charCount(first);
        StringBuilder result = new StringBuilder(shown + 3 + text.length() - at);
        return result.append(text, 0, shown).append("***").append(text, at, text.length()).toString();
    }
}
