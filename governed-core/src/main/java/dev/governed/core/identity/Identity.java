package dev.governed.core.identity;

import dev.governed.policy.Caller;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * A verified token's identity, with RFC 8693 delegation the right way round: {@code subject} is the party
 * acting now (the outermost {@code act.sub} of a delegated token, else the token's {@code sub}),
 * {@code onBehalfOf} the user it acts for (the token's {@code sub}, only when delegated), and
 * {@code delegation} the whole actor chain, current actor first (empty when not delegated).
 * {@code groups} are the token's own claim, which describes the token's {@code sub}; {@code expiresAt}
 * is the token's {@code exp}.
 */
public record Identity(
        String subject, Set<String> groups, String issuer, String tokenId, String onBehalfOf, List<String> delegation,
        Instant expiresAt) {

    public Identity {
        groups = Set.copyOf(groups);
        delegation = delegation == null ? List.of() : List.copyOf(delegation);
        if ((onBehalfOf == null) != delegation.isEmpty()) {
            throw new IllegalArgumentException("a delegated identity needs both onBehalfOf and its actor chain");
        }
        if (!delegation.isEmpty() && !delegation.get(0).equals(subject)) {
            throw new IllegalArgumentException("the first actor of the chain must be the subject");
        }
    }

    /** An identity acting for itself ({@code onBehalfOf} null) or, for one actor, on behalf of {@code onBehalfOf}. */
    public Identity(String subject, Set<String> groups, String issuer, String tokenId, String onBehalfOf, Instant expiresAt) {
        this(subject, groups, issuer, tokenId, onBehalfOf, onBehalfOf == null ? List.of() : List.of(subject), expiresAt);
    }

    /** Whether the token carried an {@code act} claim. */
    public boolean isDelegated() {
        return onBehalfOf != null;
    }

    /** The token's {@code sub}: the represented user when delegated, else the subject itself. */
    public String tokenSubject() {
        return onBehalfOf != null ? onBehalfOf : subject;
    }

    /** As policy sees it: {@code subjects}/{@code groups} match the token's own claims, {@code actors} the acting party. */
    public Caller caller() {
        return new Caller(tokenSubject(), groups, subject, onBehalfOf);
    }

    public boolean isExpired(Instant now) {
        return !now.isBefore(expiresAt);
    }

    /** "agent:billing on behalf of alice", or the subject alone; for messages. */
    public String describe() {
        return onBehalfOf == null ? subject : subject + " on behalf of " + onBehalfOf;
    }
}
