package dev.governed.core.mask;

import java.util.HashMap;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;

/** The strategies on the class path, by type key, as {@link ServiceLoader} finds them. */
public final class MaskStrategyRegistry {

    private final Map<String, MaskStrategy> prototypes;

    private MaskStrategyRegistry(Map<String, MaskStrategy> prototypes) {
        this.prototypes = Map.copyOf(prototypes);
    }

    public static MaskStrategyRegistry load() {
        Map<String, MaskStrategy> found = new HashMap<>();
        for (MaskStrategy each : ServiceLoader.load(MaskStrategy.class, MaskStrategy.class.getClassLoader())) {
            found.putIfAbsent(each.type(), each);
        }
        return new MaskStrategyRegistry(found);
    }

    public Set<String> types() {
        return prototypes.keySet();
    }

    /** The option keys the strategy of this type accepts; empty when it takes none or is unknown. */
    public Set<String> optionKeys(String type) {
        MaskStrategy prototype = prototypes.get(type);
        return prototype == null ? Set.of() : prototype.optionKeys();
    }

    /**
     * The configured strategy a mask names.
     *
     * @throws IllegalArgumentException when no strategy has that key or its options are wrong
     */
    public MaskStrategy create(String type, Map<String, Object> options, MaskConfiguration configuration) {
        MaskStrategy prototype = prototypes.get(type);
        if (prototype == null) {
            throw new IllegalArgumentException("no mask strategy '" + type + "' is installed; known: "
                    + new java.util.TreeSet<>(prototypes.keySet()));
        }
        return prototype.init(options, configuration);
    }
}
