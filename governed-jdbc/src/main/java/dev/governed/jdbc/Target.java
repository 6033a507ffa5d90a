package dev.governed.jdbc;

import java.util.Locale;

/**
 * The database a governed datasource fronts, as audit events and policies name it.
 *
 * @param resource    the datasource's name in policies
 * @param description the target URL without {@code jdbc:}, parameters or credentials
 * @param environment e.g. {@code prod}; null when not configured
 */
record Target(String resource, String description, String environment) {

    /** Describes {@code jdbc:postgresql://db:5432/app?password=x} as {@code postgresql://db:5432/app}. */
    static String describe(String targetUrl) {
        String result = targetUrl.startsWith("jdbc:") ? targetUrl.substring("jdbc:".length()) : targetUrl;
        int cut = firstOf(result, '?', ';');
        result = cut < 0 ? result : result.substring(0, cut);
        int at = result.indexOf('@');
        int scheme = result.indexOf("//");
        if (at > 0 && scheme >= 0 && at > scheme) {
            result = result.substring(0, scheme + 2) + result.substring(at + 1);
        }
        return result;
    }

    /** The database name a URL ends with: {@code h2:mem:demo} → demo, {@code postgresql://h/app} → app. */
    static String databaseName(String targetUrl) {
        String described = describe(targetUrl);
        int cut = Math.max(described.lastIndexOf('/'), described.lastIndexOf(':'));
        String result = described.substring(cut + 1);
        return result.isEmpty() ? described : result.toLowerCase(Locale.ROOT);
    }

    private static int firstOf(String text, char first, char second) {
        int a = text.indexOf(first);
        int b = text.indexOf(second);
        if (a < 0) {
            return b;
        }
        return b < 0 ? a : Math.min(a, b);
    }
}
