package dev.governed.core.mask;

import java.util.Map;

/** Reads strategy options, failing with the option's name. */
final class Options {

    private Options() {}

    static String text(Map<String, Object> options, String key, String fallback) {
        Object value = options.get(key);
        return value == null ? fallback : String.valueOf(value);
    }

    static int number(Map<String, Object> options, String key, int fallback, int min, int max) {
        Object value = options.get(key);
        if (value == null) {
            return fallback;
        }
        int result;
        try {
            result = value instanceof Number number ? number.intValue() : Integer.parseInt(String.valueOf(value).strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("mask option '" + key + "' must be a whole number, not '" + value + "'");
        }
        if (result < min || result > max) {
            throw new IllegalArgumentException("mask option '" + key + "' must be between " + min + " and " + max
                    + ", not " + result);
        }
        return result;
    }

    static int maskChar(Map<String, Object> options) {
        String text = text(options, "maskChar", "*");
        if (text.codePointCount(0, text.length()) != 1) {
            throw new IllegalArgumentException("mask option 'maskChar' must be one character, not '" + text + "'");
        }
        return text.codePointAt(0);
    }
}
