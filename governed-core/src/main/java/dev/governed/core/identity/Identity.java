package dev.governed.core.identity;

import dev.governed.policy.Caller;
import java.time.Instant;
import java.util.Set;

/**
 * A verified token's identity. {@code onBehalfOf} is the RFC 8693 {@code act}
 * delegation's user, when present; {@code expiresAt} is the token's {@code exp}.
 */
public record Identity(
        String subject, Set<String> groups, String issuer, String tokenId, String onBehalfOf, Instant expiresAt) {

    public Identity {
        groups = Set.copyOf(groups);
    }

    public Caller caller() {
        return new Caller(subject, groups);
    }

    public boolean isExpired(Instant now) {
        return !now.isBefore(expiresAt);
    }
}
