package dev.governed.policy;

import java.util.Set;

/** The verified identity as policy sees it: the token's subject and groups. */
public record Caller(String subject, Set<String> groups) {
    public Caller {
        groups = Set.copyOf(groups);
    }
}
