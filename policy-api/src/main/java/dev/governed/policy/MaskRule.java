package dev.governed.policy;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Masks SQL result columns. Strategy-specific settings ({@code keep}, {@code pattern},
 * {@code replacement}...) live in {@code options}; the loader has checked them against
 * the strategy (see {@link MaskStrategies}).
 *
 * @param resources     datasources the mask applies to; empty means all
 * @param exempt        callers who see clear values; null means nobody is exempt
 * @param onDerived     what to do when a masked column feeds an expression the strategy cannot follow
 * @param allowEquality whether the column may be compared for equality (WHERE ssn = ?) although masked
 */
public record MaskRule(
        List<ColumnPattern> columns,
        Set<String> resources,
        String strategy,
        Map<String, Object> options,
        When exempt,
        OnDerived onDerived,
        boolean allowEquality) {

    public enum OnDerived {
        /** Refuse the statement. */
        DENY,
        /** Return the derived value fully redacted. */
        REDACT;

        public String key() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public MaskRule {
        columns = List.copyOf(columns);
        resources = Set.copyOf(resources);
        Objects.requireNonNull(strategy, "strategy");
        options = Map.copyOf(options);
        Objects.requireNonNull(onDerived, "onDerived");
        if (columns.isEmpty()) {
            throw new IllegalArgumentException("a mask needs at least one column");
        }
    }

    /** Whether the mask applies on {@code resource} (names compare ignoring case; an unknown resource is covered). */
    public boolean appliesTo(String resource) {
        return MaskScope.covers(resources, resource);
    }

    /** Whether this caller sees clear values. */
    public boolean exempts(Caller caller, String resource, String environment) {
        return exempt != null && exempt.matches(caller, resource, environment);
    }
}
