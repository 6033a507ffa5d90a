package dev.governed.core.policy;

import dev.governed.core.identity.Identity;
import java.util.Set;

/** What the service's effective policy depends on: the caller's subject and groups. */
record PolicyKey(String subject, Set<String> groups) {

    /** Identity's groups are already an immutable set, and set equality ignores order. */
    static PolicyKey of(Identity identity) {
        return new PolicyKey(identity.subject(), identity.groups());
    }
}
