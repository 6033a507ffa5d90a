package dev.governed.core.engine;

import java.util.List;
import java.util.Map;

/**
 * A mask as a policy states it, transport-neutral.
 *
 * @param targets what it covers: JSONPath fields for HTTP, column patterns for SQL
 */
public record MaskSpec(List<String> targets, String strategy, Map<String, Object> options) {
    public MaskSpec {
        targets = List.copyOf(targets);
        options = Map.copyOf(options);
    }
}
