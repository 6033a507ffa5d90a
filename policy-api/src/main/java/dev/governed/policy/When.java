package dev.governed.policy;

import java.util.Set;

/**
 * Who and where a rule applies to. An empty set means the key was absent and matches
 * everything; a non-empty set must contain the caller's value (for {@code groups}: share
 * at least one group). Values are compared exactly.
 */
public record When(Set<String> subjects, Set<String> groups, Set<String> resources, Set<String> environments) {

    /** Matches every caller, resource and environment. */
    public static final When ANY = new When(Set.of(), Set.of(), Set.of(), Set.of());

    public When {
        subjects = Set.copyOf(subjects);
        groups = Set.copyOf(groups);
        resources = Set.copyOf(resources);
        environments = Set.copyOf(environments);
    }

    /** True when no key is set, so the block matches everything. */
    public boolean isAny() {
        return subjects.isEmpty() && groups.isEmpty() && resources.isEmpty() && environments.isEmpty();
    }

    /**
     * Whether this block matches. A null subject, resource or environment matches only
     * an absent key: a rule scoped to {@code prod} never applies where the environment is unknown.
     */
    public boolean matches(Caller caller, String resource, String environment) {
        return contains(subjects, caller.subject())
                && overlaps(groups, caller.groups())
                && contains(resources, resource)
                && contains(environments, environment);
    }

    private static boolean contains(Set<String> allowed, String value) {
        // Set.copyOf sets throw on contains(null), hence the explicit null check.
        return allowed.isEmpty() || (value != null && allowed.contains(value));
    }

    private static boolean overlaps(Set<String> allowed, Set<String> callerGroups) {
        if (allowed.isEmpty()) {
            return true;
        }
        for (String each : callerGroups) {
            if (allowed.contains(each)) {
                return true;
            }
        }
        return false;
    }
}
