package dev.governed.core.policy;

import dev.governed.core.identity.Identity;
import java.util.Set;
import java.util.TreeSet;

/** What the service's effective policy depends on: the caller's subject and groups. */
record PolicyKey(String subject, Set<String> groups) {

    static PolicyKey of(Identity identity) {
        return new PolicyKey(identity.subject(), Set.copyOf(new TreeSet<>(identity.groups())));
    }
}
