package dev.governed.http;

import java.net.http.HttpRequest;
import java.util.List;
import java.util.Locale;

/**
 * Headers and parameters with which a request asks the server to act as another method or on another path
 * than its request line says: Rails, Laravel, Symfony, Spring's HiddenHttpMethodFilter, IIS and many gateways
 * obey them. A policy decides the request line, so a request carrying one is refused rather than trusted.
 */
final class RequestOverrides {

    private static final List<String> HEADERS = List.of("X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override",
            "X-Original-URL", "X-Rewrite-URL", "X-Original-Method", "X-Forwarded-Method", "X-Forwarded-Uri",
            "X-Forwarded-Path", "X-Forwarded-Prefix");

    private RequestOverrides() {}

    /** What in the request overrides its method or path, e.g. {@code the header X-HTTP-Method-Override}, or null. */
    static String find(HttpRequest request) {
        for (String header : HEADERS) {
            if (request.headers().firstValue(header).isPresent()) {
                return "the header " + header;
            }
        }
        String query = request.uri().getRawQuery();
        if (query != null) {
            for (String parameter : query.split("&")) {
                String name = parameter.contains("=") ? parameter.substring(0, parameter.indexOf('=')) : parameter;
                String decoded = java.net.URLDecoder.decode(name, java.nio.charset.StandardCharsets.UTF_8);
                if (decoded.toLowerCase(Locale.ROOT).equals("_method")) {
                    return "the query parameter _method";
                }
            }
        }
        return null;
    }
}
