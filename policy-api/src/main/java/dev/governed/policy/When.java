package dev.governed.policy;

import java.util.Set;

/**
 * Who and where a rule applies to. An empty set means the key was absent and matches
 * everything; a non-empty set must contain the caller's value (for {@code groups}: share
 * at least one group). Values are compared exactly.
 *
 * <p>{@code subjects} and {@code groups} match the token's own {@code sub} and groups claims, which for
 * a delegated (RFC 8693) token describe the user represented. {@code actors} match the party acting now
 * (the current actor of a delegated token, else its {@code sub}); {@code onBehalfOf} the user a delegated
 * token represents, or {@link PartyPatterns#ABSENT} for tokens without delegation. Earlier actors of a
 * chain are recorded in audit but never decide: RFC 8693 §4.1 makes them informational only.
 */
public record When(Set<String> subjects, Set<String> groups, Set<String> resources, Set<String> environments,
                   PartyPatterns actors, PartyPatterns onBehalfOf) {

    /** Matches every caller, resource and environment. */
    public static final When ANY = new When(Set.of(), Set.of(), Set.of(), Set.of());

    public When {
        subjects = Set.copyOf(subjects);
        groups = Set.copyOf(groups);
        resources = Set.copyOf(resources);
        environments = Set.copyOf(environments);
        actors = actors == null ? PartyPatterns.ANY : actors;
        onBehalfOf = onBehalfOf == null ? PartyPatterns.ANY : onBehalfOf;
    }

    /** A block without delegation constraints. */
    public When(Set<String> subjects, Set<String> groups, Set<String> resources, Set<String> environments) {
        this(subjects, groups, resources, environments, PartyPatterns.ANY, PartyPatterns.ANY);
    }

    /** True when no key is set, so the block matches everything. */
    public boolean isAny() {
        return subjects.isEmpty() && groups.isEmpty() && resources.isEmpty() && environments.isEmpty()
                && actors.isAny() && onBehalfOf.isAny();
    }

    /**
     * Whether this block matches. A null subject, resource or environment matches only
     * an absent key: a rule scoped to {@code prod} never applies where the environment is unknown.
     */
    public boolean matches(Caller caller, String resource, String environment) {
        return contains(subjects, caller.subject())
                && overlaps(groups, caller.groups())
                && contains(resources, resource)
                && contains(environments, environment)
                && actors.matches(caller.actor())
                && onBehalfOf.matches(caller.onBehalfOf());
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
