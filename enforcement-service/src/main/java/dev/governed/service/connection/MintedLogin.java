package dev.governed.service.connection;

import java.time.Instant;
import java.util.Set;

/**
 * A database login minted for one caller and session, as the service keeps it until it is dropped.
 *
 * @param grants    a summary of the privileges it holds (for administrators and audit), never a secret
 * @param revokedAt when it was revoked ahead of its expiry; null while it is not
 * @param droppedAt when the role was dropped from the target; null while it exists
 */
public record MintedLogin(String login, String connection, String subject, Set<String> groups, long policyVersion, String grants,
                          Instant createdAt, Instant expiresAt, Instant revokedAt, Instant droppedAt) {
    public MintedLogin {
        groups = Set.copyOf(groups);
    }

    /** Whether the service should drop it now: expired, or revoked. */
    public boolean isDue(Instant now) {
        return revokedAt != null || !now.isBefore(expiresAt);
    }
}
