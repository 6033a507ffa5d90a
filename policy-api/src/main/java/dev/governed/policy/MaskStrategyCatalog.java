package dev.governed.policy;

import java.util.Map;
import java.util.Set;

/**
 * Mask strategies installed beside the built-in ones, so a policy may name them: found with
 * {@link java.util.ServiceLoader}. {@code governed-core} provides one that lists every
 * strategy registered through its mask strategy SPI.
 */
public interface MaskStrategyCatalog {

    /** Each installed strategy's type key and the option keys it accepts. */
    Map<String, Set<String>> strategies();
}
