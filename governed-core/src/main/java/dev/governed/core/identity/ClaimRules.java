package dev.governed.core.identity;

import static dev.governed.core.identity.Messages.quote;
import static dev.governed.core.identity.Messages.time;

import com.nimbusds.jwt.JWTClaimsSet;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The checks on a signed token's claims and their mapping to an {@link Identity}.
 *
 * <p>{@code exp} is enforced exactly, without clock skew: callers re-check {@link Identity#isExpired} on
 * every statement against the same {@code exp}, and both must agree. The skew applies to {@code nbf} and
 * {@code iat}, where an identity provider's clock running ahead would otherwise reject fresh tokens.
 *
 * <p>Groups come from one or more claims, each holding a JSON array of strings (a dotted name such as
 * {@code realm_access.roles} reads a nested object). A claim of any other shape rejects the token rather
 * than guessing how to split it.
 */
final class ClaimRules {
    private final Set<String> audiences;
    private final Duration clockSkew;
    private final List<String> groupClaims;
    private final int maxDelegationDepth;

    ClaimRules(Set<String> audiences, Duration clockSkew, List<String> groupClaims, int maxDelegationDepth) {
        this.audiences = Set.copyOf(audiences);
        this.clockSkew = clockSkew;
        this.groupClaims = List.copyOf(groupClaims);
        this.maxDelegationDepth = maxDelegationDepth;
    }

    Identity identity(JWTClaimsSet claims, Instant now) throws InvalidTokenException {
        Instant expiresAt = instant(claims.getExpirationTime());
        if (expiresAt == null) {
            throw new InvalidTokenException("token has no exp claim; Governed only accepts tokens that expire — "
                    + "configure the identity provider to issue access tokens with a lifetime");
        }
        if (!now.isBefore(expiresAt)) {
            throw new InvalidTokenException("token expired at " + time(expiresAt) + " (now " + time(now) + "); obtain a fresh token");
        }
        Instant notBefore = instant(claims.getNotBeforeTime());
        if (notBefore != null && now.plus(clockSkew).isBefore(notBefore)) {
            throw new InvalidTokenException("token is not valid before " + time(notBefore) + " (now " + time(now)
                    + ", allowed clock skew " + clockSkew.toSeconds() + "s); check that this host's clock is synchronised, or wait");
        }
        Instant issuedAt = instant(claims.getIssueTime());
        if (issuedAt != null && now.plus(clockSkew).isBefore(issuedAt)) {
            throw new InvalidTokenException("token claims to be issued at " + time(issuedAt) + ", in the future (now " + time(now)
                    + ", allowed clock skew " + clockSkew.toSeconds() + "s); check that this host's clock is synchronised");
        }
        List<String> tokenAudiences = claims.getAudience();
        if (tokenAudiences.isEmpty()) {
            throw new InvalidTokenException("token has no aud claim; request a token for audience " + Messages.list(audiences));
        }
        if (tokenAudiences.stream().noneMatch(audiences::contains)) {
            throw new InvalidTokenException("token audience " + Messages.quoteAll(tokenAudiences) + " does not include "
                    + Messages.list(audiences) + "; request a token for this audience");
        }
        String subject = claims.getSubject();
        if (subject == null || subject.isBlank()) {
            throw new InvalidTokenException("token has no sub claim; Governed needs a subject to apply policy and audit to");
        }
        List<String> delegation = ActClaim.chain(claims.getClaim(ActClaim.CLAIM), subject, maxDelegationDepth);
        // RFC 8693 §4.1: the current actor acts, the token's sub is whom it acts for
        String acting = delegation.isEmpty() ? subject : delegation.get(0);
        String onBehalfOf = delegation.isEmpty() ? null : subject;
        return new Identity(acting, groups(claims), claims.getIssuer(), claims.getJWTID(), onBehalfOf, delegation, expiresAt);
    }

    private Set<String> groups(JWTClaimsSet claims) throws InvalidTokenException {
        Set<String> result = new LinkedHashSet<>();
        for (String each : groupClaims) {
            Object value = lookup(claims.getClaims(), each);
            if (value == null) {
                continue;
            }
            if (!(value instanceof List<?> list)) {
                throw new InvalidTokenException("token claim " + quote(each) + " is a " + kind(value)
                        + ", not a JSON array of strings; configure the identity provider to emit groups as an array");
            }
            for (Object group : list) {
                if (!(group instanceof String name)) {
                    throw new InvalidTokenException("token claim " + quote(each) + " contains a " + kind(group)
                            + "; groups must be strings");
                }
                result.add(name);
            }
        }
        return result;
    }

    private static Object lookup(Map<String, Object> claims, String dottedName) {
        Object value = claims.get(dottedName);
        if (value != null || dottedName.indexOf('.') < 0) {
            return value;
        }
        Object current = claims;
        for (String part : dottedName.split("\\.")) {
            if (!(current instanceof Map<?, ?> map)) {
                return null;
            }
            current = map.get(part);
        }
        return current;
    }

    static String kind(Object value) {
        if (value instanceof String) {
            return "string";
        }
        if (value instanceof Number) {
            return "number";
        }
        if (value instanceof Boolean) {
            return "boolean";
        }
        if (value instanceof Map) {
            return "JSON object";
        }
        return value instanceof List ? "JSON array" : "null";
    }

    private static Instant instant(Date date) {
        return date == null ? null : date.toInstant();
    }
}
