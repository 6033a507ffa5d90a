package dev.governed.service.connection;

import java.time.Instant;
import java.util.Set;

/**
 * A named database target for service-mode URLs ({@code jdbc:governed://host:port/<name>}): where it is, the
 * credentials (encrypted at rest, never listed) and which identities may resolve them.
 */
public record ConnectionProfile(String name, String url, String user, boolean hasPassword, Set<String> allowedSubjects,
                                Set<String> allowedGroups, String updatedBy, Instant updatedAt) {
    public ConnectionProfile {
        allowedSubjects = Set.copyOf(allowedSubjects);
        allowedGroups = Set.copyOf(allowedGroups);
    }

    public boolean allows(String subject, Set<String> groups) {
        return allowedSubjects.contains(subject) || groups.stream().anyMatch(allowedGroups::contains);
    }
}
