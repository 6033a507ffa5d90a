package dev.governed.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Secrets released by the enforcement service's connection profiles ({@code GET /v1/connections/<profile>}),
 * asked for with the caller's own token so the service decides and audits each release. An answer is kept
 * for that caller token and profile only, for at most a minute (less when the service says it expires sooner).
 */
final class ServiceSecrets {

    private static final Duration KEEP = Duration.ofSeconds(60);
    private static final int MAX_CACHED = 1_000;
    private static final JsonFactory JSON = new JsonFactory();

    /** What a profile releases; {@code url} is where it may be sent. */
    record Released(String url, String user, String password, Instant keepUntil) {
        @Override
        public String toString() {
            return "Released[" + url + " as " + user + "]";
        }
    }

    private record Key(String token, String profile) {
        @Override
        public String toString() {
            return "Key[" + profile + "]";
        }
    }

    private final URI service;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final Map<Key, Released> cache = new ConcurrentHashMap<>();

    ServiceSecrets(URI service) {
        this.service = service;
    }

    /**
     * The profile's secret for this caller.
     *
     * @throws IllegalStateException when the service is unreachable, refuses the caller or releases no secret;
     *                               the message never holds the secret or the token
     */
    Released release(String profile, String callerToken) {
        if (callerToken == null) {
            throw new IllegalStateException("no caller token to ask the enforcement service for connection profile '"
                    + profile + "'");
        }
        Key key = new Key(callerToken, profile);
        Released known = cache.get(key);
        if (known != null && Instant.now().isBefore(known.keepUntil())) {
            return known;
        }
        Released fresh = fetch(profile, callerToken);
        if (cache.size() >= MAX_CACHED) {
            cache.clear();
        }
        cache.put(key, fresh);
        return fresh;
    }

    private Released fetch(String profile, String callerToken) {
        URI uri = service.resolve("/v1/connections/" + URLEncoder.encode(profile, StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(15))
                .header("Authorization", "Bearer " + callerToken).header("Accept", "application/json").GET().build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException("the enforcement service at " + service + " is unreachable to release"
                    + " connection profile '" + profile + "' (" + e.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking for connection profile '" + profile + "'");
        }
        if (response.statusCode() != 200) {
            throw new IllegalStateException("the enforcement service refused connection profile '" + profile
                    + "' (HTTP " + response.statusCode() + ")");
        }
        Map<String, String> fields = topLevelStrings(response.body(), profile);
        String password = fields.get("password");
        if (fields.get("url") == null || password == null || password.isEmpty()) {
            throw new IllegalStateException("the enforcement service released no secret for connection profile '"
                    + profile + "' to this caller; an administrator adds the caller to the profile's allowed subjects"
                    + " or groups");
        }
        Instant keepUntil = Instant.now().plus(KEEP);
        String expiresAt = fields.get("expiresAt");
        if (expiresAt != null) {
            try {
                Instant expires = Instant.parse(expiresAt);
                keepUntil = expires.isBefore(keepUntil) ? expires : keepUntil;
            } catch (DateTimeParseException e) {
                throw new IllegalStateException("the enforcement service's answer for connection profile '" + profile
                        + "' has an unreadable expiresAt");
            }
        }
        return new Released(fields.get("url"), fields.get("user"), password, keepUntil);
    }

    private static Map<String, String> topLevelStrings(String body, String profile) {
        Map<String, String> result = new HashMap<>();
        try (JsonParser parser = JSON.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("not an object");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if (value == JsonToken.VALUE_STRING) {
                    result.put(name, parser.getText());
                } else {
                    parser.skipChildren();
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("the enforcement service's answer for connection profile '" + profile
                    + "' is not a JSON object");
        }
        return result;
    }
}
