package dev.governed.core.internal.connection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Asks the enforcement service for a connection profile ({@code GET /v1/connections/<name>}) with the caller's own
 * token, so the service decides and audits each release: the JDBC driver's service mode and the HTTP decorator's
 * {@code service:} secrets both go through here. Callers turn a {@link Failure} into their transport's error.
 */
public final class ConnectionProfiles {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    private ConnectionProfiles() {}

    /** Why a profile was not released; {@code status} is the service's HTTP status for {@link Kind#REFUSED}, else 0. */
    public static final class Failure extends Exception {
        public enum Kind { UNREACHABLE, REFUSED, MALFORMED }

        private final Kind kind;
        private final int status;

        Failure(Kind kind, int status, String message, Throwable cause) {
            super(message, cause);
            this.kind = kind;
            this.status = status;
        }

        public Kind kind() {
            return kind;
        }

        public int status() {
            return status;
        }
    }

    /** The profile's top-level text fields ({@code url}, {@code user}, {@code password}, {@code expiresAt}, …). */
    public static Map<String, String> fetch(URI service, String name, String token) throws Failure {
        URI uri = service.resolve("/v1/connections/" + URLEncoder.encode(name, StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(TIMEOUT)
                .header("Authorization", "Bearer " + token).header("Accept", "application/json").GET().build();
        HttpResponse<String> response;
        try {
            response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new Failure(Failure.Kind.UNREACHABLE, 0, "the enforcement service at " + service
                    + " could not be reached to resolve connection '" + name + "': " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failure(Failure.Kind.UNREACHABLE, 0, "interrupted while resolving connection '" + name + "'", e);
        }
        if (response.statusCode() != 200) {
            throw new Failure(Failure.Kind.REFUSED, response.statusCode(), "the enforcement service refused connection '"
                    + name + "' (" + response.statusCode() + "): " + errorMessage(response.body()), null);
        }
        JsonNode profile;
        try {
            profile = JSON.readTree(response.body());
        } catch (IOException e) {
            throw new Failure(Failure.Kind.MALFORMED, 0, "the enforcement service's answer for connection '" + name
                    + "' is not JSON: " + e.getMessage(), e);
        }
        if (profile == null || !profile.isObject() || !profile.path("url").isTextual()) {
            throw new Failure(Failure.Kind.MALFORMED, 0, "the enforcement service's answer for connection '" + name
                    + "' has no target url", null);
        }
        Map<String, String> fields = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> each = profile.fields(); each.hasNext(); ) {
            Map.Entry<String, JsonNode> field = each.next();
            if (field.getValue().isTextual()) {
                fields.put(field.getKey(), field.getValue().asText());
            }
        }
        return fields;
    }

    /** The service's error message in a response body ({@code {"message": …}}), or the body cut to 200 characters. */
    public static String errorMessage(String body) {
        try {
            JsonNode error = JSON.readTree(body);
            return error == null ? "" : error.path("message").asText(body);
        } catch (IOException e) {
            return body.length() > 200 ? body.substring(0, 200) : body;
        }
    }
}
