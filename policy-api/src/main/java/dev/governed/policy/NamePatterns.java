package dev.governed.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Splits dotted name patterns ({@code public.orders}, {@code "My Schema".*}) into unquoted, lower-cased segments. */
final class NamePatterns {
    static final String WILDCARD = "*";

    private NamePatterns() {
    }

    /**
     * @throws IllegalArgumentException with a message saying what is wrong and what is allowed
     */
    static List<String> split(String text, int minSegments, int maxSegments, String shape) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty pattern; expected " + shape);
        }
        List<String> result = new ArrayList<>(3);
        int i = 0;
        int length = text.length();
        while (true) {
            int start = i;
            String segment;
            if (i < length && text.charAt(i) == '"') {
                int close = text.indexOf('"', i + 1);
                if (close < 0) {
                    throw new IllegalArgumentException("unclosed quote in \"" + text + "\"; expected " + shape);
                }
                segment = text.substring(i + 1, close);
                if (segment.isEmpty()) {
                    throw new IllegalArgumentException("empty quoted name in \"" + text + "\"; expected " + shape);
                }
                i = close + 1;
            } else {
                while (i < length && text.charAt(i) != '.') {
                    i++;
                }
                segment = text.substring(start, i);
                if (!segment.equals(WILDCARD) && !isIdentifier(segment)) {
                    throw new IllegalArgumentException("bad segment \"" + segment + "\" in \"" + text
                            + "\"; each segment is an identifier (letters, digits, _ and $), a \"quoted name\" or *"
                            + " (a whole-segment wildcard); expected " + shape);
                }
            }
            result.add(segment.toLowerCase(Locale.ROOT));
            if (i == length) {
                break;
            }
            if (text.charAt(i) != '.') {
                throw new IllegalArgumentException("unexpected \"" + text.charAt(i) + "\" after a quoted name in \""
                        + text + "\"; expected " + shape);
            }
            i++;
            if (i == length) {
                throw new IllegalArgumentException("trailing dot in \"" + text + "\"; expected " + shape);
            }
        }
        if (result.size() < minSegments || result.size() > maxSegments) {
            throw new IllegalArgumentException("\"" + text + "\" has " + result.size() + " segment"
                    + (result.size() == 1 ? "" : "s") + "; expected " + shape);
        }
        return result;
    }

    private static boolean isIdentifier(String segment) {
        if (segment.isEmpty()) {
            return false;
        }
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (!(Character.isLetterOrDigit(c) || c == '_' || c == '$')) {
                return false;
            }
        }
        return true;
    }

    static boolean segmentMatches(String patternSegment, String value) {
        return patternSegment.equals(WILDCARD) || patternSegment.equals(value);
    }
}
