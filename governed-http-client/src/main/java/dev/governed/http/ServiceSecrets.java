package dev.governed.http;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.governed.core.internal.connection.ConnectionProfiles;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * Secrets released by the enforcement service's connection profiles ({@code GET /v1/connections/<profile>}),
 * asked for with the caller's own token so the service decides and audits each release. An answer is kept
 * for that caller token and profile only, for at most a minute (less when the service says it expires sooner).
 */
final class ServiceSecrets {

    private static final Duration KEEP = Duration.ofSeconds(60);
    private static final int MAX_CACHED = 1_000;

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
    // bounded: one entry per caller token and profile; the least used go first when a pool of agents churns tokens
    private final Cache<Key, Released> cache = Caffeine.newBuilder().maximumSize(MAX_CACHED).expireAfterWrite(KEEP).build();

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
        Released known = cache.getIfPresent(key);
        if (known != null && Instant.now().isBefore(known.keepUntil())) {
            return known;
        }
        Released fresh = fetch(profile, callerToken);
        cache.put(key, fresh);
        return fresh;
    }

    private Released fetch(String profile, String callerToken) {
        Map<String, String> fields;
        try {
            fields = ConnectionProfiles.fetch(service, profile, callerToken);
        } catch (ConnectionProfiles.Failure e) {
            throw new IllegalStateException(switch (e.kind()) {
                case UNREACHABLE -> "the enforcement service at " + service + " is unreachable to release connection"
                        + " profile '" + profile + "' (" + (e.getCause() == null ? "no answer" : e.getCause().getClass().getSimpleName()) + ")";
                case REFUSED -> "the enforcement service refused connection profile '" + profile + "' (HTTP " + e.status() + ")";
                case MALFORMED -> "the enforcement service's answer for connection profile '" + profile + "' is unusable";
            });
        }
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
}
