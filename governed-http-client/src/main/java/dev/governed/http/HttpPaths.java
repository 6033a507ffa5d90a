package dev.governed.http;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The one form of a request path that rules are matched against, and that is then sent, so a
 * server cannot read a path differently from how it was decided. Unreserved characters and dots
 * written as escapes are decoded, {@code ;} parameters, empty segments and {@code .} dropped,
 * {@code ..} applied. What a server might still read two ways is refused: an escaped slash or
 * backslash, an escaped {@code %} (double encoding) or {@code ;}, a NUL, an invalid escape, a raw backslash,
 * and {@code ..} above the root.
 */
final class HttpPaths {

    private HttpPaths() {}

    /** Thrown when a path has a form a server could read differently from Governed. */
    static final class AmbiguousPathException extends Exception {
        AmbiguousPathException(String message) {
            super(message);
        }
    }

    /**
     * The normalised absolute path of a raw (still encoded) path; {@code /} for an empty one. A
     * trailing slash is kept, as servers may route it differently.
     */
    static String normalise(String rawPath) throws AmbiguousPathException {
        if (rawPath == null || rawPath.isEmpty()) {
            return "/";
        }
        if (rawPath.charAt(0) != '/') {
            throw new AmbiguousPathException("a relative path \"" + rawPath + "\"");
        }
        Deque<String> segments = new ArrayDeque<>();
        String[] parts = rawPath.substring(1).split("/", -1);
        boolean trailingSlash = false;
        for (int i = 0; i < parts.length; i++) {
            String segment = decode(withoutParameters(parts[i]));
            boolean last = i == parts.length - 1;
            if (segment.isEmpty() || segment.equals(".")) {
                trailingSlash = last;
                continue;
            }
            if (segment.equals("..")) {
                if (segments.isEmpty()) {
                    throw new AmbiguousPathException("\"..\" above the root in \"" + rawPath + "\"");
                }
                segments.removeLast();
                trailingSlash = last;
                continue;
            }
            segments.addLast(segment);
            trailingSlash = false;
        }
        if (segments.isEmpty()) {
            return "/";
        }
        StringBuilder result = new StringBuilder(rawPath.length());
        for (String each : segments) {
            result.append('/').append(each);
        }
        return trailingSlash ? result.append('/').toString() : result.toString();
    }

    private static String withoutParameters(String segment) {
        int semicolon = segment.indexOf(';');
        return semicolon < 0 ? segment : segment.substring(0, semicolon);
    }

    /** Decodes escapes of unreserved characters; keeps others escaped (upper-case hex); refuses the ambiguous ones. */
    private static String decode(String segment) throws AmbiguousPathException {
        if (segment.indexOf('%') < 0 && segment.indexOf('\\') < 0) {
            return segment;
        }
        StringBuilder result = new StringBuilder(segment.length());
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c == '\\') {
                throw new AmbiguousPathException("a backslash in the path segment \"" + segment + "\"");
            }
            if (c != '%') {
                result.append(c);
                continue;
            }
            if (i + 2 >= segment.length() || hex(segment.charAt(i + 1)) < 0 || hex(segment.charAt(i + 2)) < 0) {
                throw new AmbiguousPathException("an invalid escape in the path segment \"" + segment + "\"");
            }
            int value = hex(segment.charAt(i + 1)) * 16 + hex(segment.charAt(i + 2));
            i += 2;
            if (value == '/' || value == '\\' || value == '%' || value == ';' || value == 0) {
                throw new AmbiguousPathException("an escaped " + describe(value) + " in the path segment \""
                        + segment + "\", which servers decode differently");
            }
            if (unreserved(value)) {
                result.append((char) value);
            } else {
                result.append('%').append(Character.toUpperCase(Character.forDigit(value >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(value & 15, 16)));
            }
        }
        return result.toString();
    }

    private static String describe(int value) {
        return switch (value) {
            case '/' -> "slash (%2F)";
            case '\\' -> "backslash (%5C)";
            case '%' -> "percent sign (%25, double encoding)";
            case ';' -> "semicolon (%3B, a parameter separator to some servers)";
            default -> "NUL (%00)";
        };
    }

    private static boolean unreserved(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '-' || c == '.' || c == '_' || c == '~';
    }

    private static int hex(char c) {
        return Character.digit(c, 16);
    }
}
