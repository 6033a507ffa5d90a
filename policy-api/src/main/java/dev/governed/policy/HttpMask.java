package dev.governed.policy;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Masks fields of JSON response bodies.
 *
 * @param resources HTTP resources the mask applies to; empty means all
 * @param fields    JSONPath expressions such as {@code $.ssn} or {@code $.customers[*].ssn}
 * @param exempt    callers who see clear values; null means nobody is exempt
 */
public record HttpMask(Set<String> resources, List<String> fields, String strategy, Map<String, Object> options,
                       When exempt) {
    public HttpMask {
        resources = Set.copyOf(resources);
        fields = List.copyOf(fields);
        Objects.requireNonNull(strategy, "strategy");
        options = Map.copyOf(options);
        if (fields.isEmpty()) {
            throw new IllegalArgumentException("an http mask needs at least one field");
        }
    }

    public boolean appliesTo(String resource) {
        return MaskScope.covers(resources, resource);
    }

    public boolean exempts(Caller caller, String resource, String environment) {
        return exempt != null && exempt.matches(caller, resource, environment);
    }
}
