package dev.governed.service.connection;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Set;

/**
 * A named target: a database for service-mode URLs ({@code jdbc:governed://host:port/<name>}), or an HTTP API whose
 * secret the HTTP client adds ({@code bearer:service:<name>}, static only): where it is, the
 * credentials (encrypted at rest, never listed), which identities may resolve it, and how it releases credentials:
 * a login minted per caller and session (the default) or, explicitly, the stored ones.
 *
 * @param ttl         how long a minted login lives unless renewed, ISO-8601 ({@code PT15M})
 * @param resource    the datasource name policies use for this target; null means the profile's name
 * @param environment the environment policies see for this target; null when none
 */
public record ConnectionProfile(String name, String url, String user, boolean hasPassword, String credentials, String ttl,
                                String resource, String environment, Set<String> allowedSubjects, Set<String> allowedGroups,
                                String updatedBy, Instant updatedAt) {
    public static final Duration DEFAULT_TTL = Duration.ofMinutes(15);

    /** How a profile releases credentials. */
    public enum Credentials {
        /** A login minted for the caller with policy-derived grants (PostgreSQL only). */
        MINTED,
        /** The stored user and password, as they are: the caller can do whatever they can. */
        STATIC;

        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public ConnectionProfile {
        allowedSubjects = Set.copyOf(allowedSubjects);
        allowedGroups = Set.copyOf(allowedGroups);
    }

    public boolean allows(String subject, Set<String> groups) {
        return allowedSubjects.contains(subject) || groups.stream().anyMatch(allowedGroups::contains);
    }

    @JsonIgnore
    public boolean isStatic() {
        return Credentials.STATIC.key().equals(credentials);
    }

    /** The resource name policies use for this target. */
    public String policyResource() {
        return resource == null ? name : resource;
    }

    public Duration ttlDuration() {
        return Duration.parse(ttl);
    }
}
