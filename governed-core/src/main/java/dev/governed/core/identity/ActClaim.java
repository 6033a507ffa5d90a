package dev.governed.core.identity;

import static dev.governed.core.identity.Messages.quote;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the RFC 8693 §4.1 {@code act} claim into the delegation chain, current actor first: the outermost
 * {@code act.sub} is acting now, each nested {@code act} is the party that delegated to the one around it.
 *
 * <p>Every level must be a JSON object with a non-blank string {@code sub}; other members (such as
 * {@code iss} or {@code client_id}) are allowed and ignored, as the RFC permits. A chain deeper than the
 * configured limit, a party that appears twice (including the token's own {@code sub}: nobody acts on
 * their own behalf), and oversized subjects are refused, so a token cannot make the audit trail or the
 * policy lookup ambiguous or expensive.
 */
final class ActClaim {
    static final String CLAIM = "act";
    /** Long enough for SPIFFE IDs and URIs, short enough to keep one audit line readable. */
    static final int MAX_SUBJECT_LENGTH = 1024;
    static final int DEFAULT_MAX_DEPTH = 5;
    /** The hard ceiling for the configurable limit: deeper chains are a misconfiguration, not delegation. */
    static final int MAX_DEPTH_LIMIT = 32;

    private ActClaim() {}

    /**
     * The actors, outermost first; empty when the token has no {@code act}.
     *
     * @param act      the claim's value as parsed by Nimbus (a {@code Map} for a JSON object), or null
     * @param subject  the token's {@code sub}
     * @param maxDepth how many actors the chain may hold
     */
    static List<String> chain(Object act, String subject, int maxDepth) throws InvalidTokenException {
        if (act == null) {
            return List.of();
        }
        List<String> result = new ArrayList<>(2);
        Set<String> seen = new HashSet<>();
        seen.add(subject);
        String path = CLAIM;
        Object level = act;
        while (level != null) {
            if (result.size() == maxDepth) {
                throw new InvalidTokenException("token delegation chain is deeper than the limit of " + maxDepth
                        + " actors (the act claim nests more than " + maxDepth + " levels); ask the identity provider"
                        + " for a token with a shorter chain, or raise governed.delegation.maxDepth (at most "
                        + MAX_DEPTH_LIMIT + ")");
            }
            if (!(level instanceof Map<?, ?> map)) {
                throw new InvalidTokenException("token claim " + path + " must be a JSON object with a string sub (RFC 8693 §4.1), "
                        + "found a " + ClaimRules.kind(level) + "; the identity provider's token exchange is misconfigured");
            }
            Object sub = map.get("sub");
            if (!(sub instanceof String actor) || actor.isBlank()) {
                throw new InvalidTokenException("token claim " + path + " has " + (sub == null ? "no sub" : "a "
                        + (sub instanceof String ? "blank" : ClaimRules.kind(sub)) + " sub") + "; RFC 8693 §4.1 requires each "
                        + "act object to name its actor in a non-blank string sub");
            }
            if (actor.length() > MAX_SUBJECT_LENGTH) {
                throw new InvalidTokenException("token claim " + path + ".sub is " + actor.length() + " characters long, over "
                        + "the limit of " + MAX_SUBJECT_LENGTH + "; this is not an actor identifier");
            }
            if (!seen.add(actor)) {
                throw new InvalidTokenException("token claim " + path + ".sub " + quote(actor) + (actor.equals(subject)
                        ? " is the token's own sub: a party cannot act on its own behalf" : " appears twice in the delegation chain")
                        + "; a cyclic act chain cannot be attributed, so the token is refused");
            }
            result.add(actor);
            level = map.get(CLAIM);
            if (level == null && map.containsKey(CLAIM)) {
                throw new InvalidTokenException("token claim " + path + ".act is null; leave it out when " + quote(actor)
                        + " is the first actor of the chain");
            }
            path = path + ".act";
        }
        return List.copyOf(result);
    }
}
