package dev.governed.core.engine;

import dev.governed.core.mask.MaskStrategy;
import java.util.List;

/**
 * A mask in force for one admitted request, its strategy configured and ready to use.
 *
 * @param rule the policy's mask as written ({@link MaskSpec#rule})
 */
public record ActiveMask(List<String> targets, String strategyName, MaskStrategy strategy, Object rule) {
    public ActiveMask {
        targets = List.copyOf(targets);
    }
}
