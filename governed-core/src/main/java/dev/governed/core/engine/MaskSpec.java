package dev.governed.core.engine;

import java.util.List;
import java.util.Map;

/**
 * A mask as a policy states it, transport-neutral.
 *
 * @param targets what it covers: JSONPath fields for HTTP, column patterns for SQL
 * @param rule    the policy's mask as written (a {@code MaskRule} for SQL, an {@code HttpMask} for HTTP), for what
 *                only its transport reads (e.g. whether a masked column may be compared)
 */
public record MaskSpec(List<String> targets, String strategy, Map<String, Object> options, Object rule) {
    public MaskSpec {
        targets = List.copyOf(targets);
        options = Map.copyOf(options);
    }
}
