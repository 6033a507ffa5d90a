package dev.governed.core.mask;

import java.util.Arrays;
import java.util.Map;

/**
 * {@code keep-last} and {@code keep-first}: the value's text with all but {@code keep}
 * characters (code points) replaced by {@code maskChar}. A value not longer than
 * {@code keep} is masked whole, as keeping it would show all of it. Numbers, dates and
 * bytes are masked in their text form (bytes as hex) and come back as text.
 */
public final class KeepStrategy implements MaskStrategy {

    private final boolean last;
    private final int keep;
    private final int maskChar;

    /** The {@code keep-last} prototype. */
    public KeepStrategy() {
        this(true, 4, '*');
    }

    private KeepStrategy(boolean last, int keep, int maskChar) {
        this.last = last;
        this.keep = keep;
        this.maskChar = maskChar;
    }

    /** The {@code keep-first} prototype, a service of its own. */
    public static final class First implements MaskStrategy {
        @Override
        public String type() {
            return "keep-first";
        }

        @Override
        public MaskStrategy init(Map<String, Object> options, MaskConfiguration configuration) {
            return configure(false, options);
        }

        @Override
        public Object mask(Object value) {
            throw new IllegalStateException("keep-first must be configured with init before use");
        }
    }

    @Override
    public String type() {
        return last ? "keep-last" : "keep-first";
    }

    @Override
    public MaskStrategy init(Map<String, Object> options, MaskConfiguration configuration) {
        return configure(last, options);
    }

    private static KeepStrategy configure(boolean last, Map<String, Object> options) {
        if (!options.containsKey("keep")) {
            throw new IllegalArgumentException("mask option 'keep' is required: how many characters stay clear");
        }
        return new KeepStrategy(last, Options.number(options, "keep", 4, 0, 1000), Options.maskChar(options));
    }

    @Override
    public Object mask(Object value) {
        String text = MaskText.of(value);
        if (maskChar < 0x80) {
            String result = maskAscii(text);
            if (result != null) {
                return result;
            }
        }
        if (maskChar < Character.MIN_SUPPLEMENTARY_CODE_POINT && !MaskText.hasSurrogates(text)) {
            return maskChars(text);
        }
        int length = text.codePointCount(0, text.length());
        if (length <= keep) {
            return MaskText.repeat(maskChar, length);
        }
        int hidden = length - keep;
        if (last) {
            int cut = text.offsetByCodePoints(0, hidden);
            return MaskText.repeat(maskChar, hidden) + text.substring(cut);
        }
        int cut = text.offsetByCodePoints(0, keep);
        return text.substring(0, cut) + MaskText.repeat(maskChar, hidden);
    }

    /** The same result for ASCII text, the usual case: its bytes with the hidden part overwritten. Null otherwise. */
    private String maskAscii(String text) {
        byte[] bytes = MaskText.asciiBytes(text);
        if (bytes == null) {
            return null;
        }
        int length = bytes.length;
        if (length <= keep) {
            Arrays.fill(bytes, (byte) maskChar);
        } else if (last) {
            Arrays.fill(bytes, 0, length - keep, (byte) maskChar);
        } else {
            Arrays.fill(bytes, keep, length, (byte) maskChar);
        }
        return MaskText.ascii(bytes, 0, length);
    }

    /** The same result for text of single-unit characters: one array filled in place, no intermediate strings. */
    private String maskChars(String text) {
        int length = text.length();
        char[] result = new char[length];
        if (length <= keep) {
            Arrays.fill(result, (char) maskChar);
        } else if (last) {
            Arrays.fill(result, 0, length - keep, (char) maskChar);
            text.getChars(length - keep, length, result, length - keep);
        } else {
            text.getChars(0, keep, result, 0);
            Arrays.fill(result, keep, length, (char) maskChar);
        }
        return new String(result);
    }
}
