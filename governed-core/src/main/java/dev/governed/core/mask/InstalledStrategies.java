package dev.governed.core.mask;

import dev.governed.policy.MaskStrategyCatalog;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** Tells the policy reader which strategies the SPI installed, so a policy may name them. */
public final class InstalledStrategies implements MaskStrategyCatalog {

    @Override
    public Map<String, Set<String>> strategies() {
        Map<String, Set<String>> result = new LinkedHashMap<>();
        MaskStrategyRegistry registry = MaskStrategyRegistry.load();
        for (String each : registry.types()) {
            result.put(each, registry.optionKeys(each));
        }
        return result;
    }
}
