package dev.governed.core.mask;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.Map;

/**
 * The mask strategies a policy names, each made once per name and options (a regex compiled, a hash key derived)
 * and reused by every statement or request that applies it. Bounded, since policies change over a process's life.
 */
public final class ConfiguredStrategies {

    private record Key(String name, Map<String, Object> options) {}

    private final MaskStrategyRegistry registry = MaskStrategyRegistry.load();
    private final MaskConfiguration configuration;
    private final Cache<Key, MaskStrategy> made = Caffeine.newBuilder().maximumSize(1_000).build();

    public ConfiguredStrategies(MaskConfiguration configuration) {
        this.configuration = configuration;
    }

    /**
     * The strategy {@code name} configured with {@code options}.
     *
     * @throws IllegalArgumentException when no installed strategy has that name or the options do not fit it
     */
    public MaskStrategy get(String name, Map<String, Object> options) {
        return made.get(new Key(name, options), key -> registry.create(key.name(), key.options(), configuration));
    }
}
