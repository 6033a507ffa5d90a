package dev.governed.core.internal.policy;

import dev.governed.core.identity.Identity;
import java.util.Set;

/**
 * What the service's effective policy depends on: the acting subject, the token's groups, and the user a
 * delegated token represents (null otherwise): a rule on {@code onBehalfOf} makes the same agent's policy
 * differ from one represented user to the next.
 */
record PolicyKey(String subject, Set<String> groups, String onBehalfOf) {

    /** Identity's groups are already an immutable set, and set equality ignores order. */
    static PolicyKey of(Identity identity) {
        return new PolicyKey(identity.subject(), identity.groups(), identity.onBehalfOf());
    }
}
