package dev.governed.core.mask;

import java.util.Map;

/**
 * A way to mask one column value, named in policies by {@link #type()} and found with
 * {@link java.util.ServiceLoader} ({@code META-INF/services/dev.governed.core.mask.MaskStrategy}).
 * The instance the loader creates is a prototype: {@link #init} returns the configured,
 * immutable strategy a mask uses.
 *
 * <p>{@link #mask} receives the non-null value {@code ResultSet.getObject} returned and
 * answers the masked form: a {@code String}, {@code null}, or (for strategies that keep a
 * typed value, like {@code year-only}) a value of the same Java type. Whatever it answers is
 * what every getter of the column then sees; a getter that cannot carry that form throws.
 */
public interface MaskStrategy {

    /** The key policies name this strategy by, e.g. {@code keep-last}. */
    String type();

    /**
     * A configured copy of this strategy.
     *
     * @throws IllegalArgumentException naming the option that is missing or wrong
     */
    MaskStrategy init(Map<String, Object> options, MaskConfiguration configuration);

    /**
     * The option keys a policy may give this strategy; a policy naming another key is rejected when
     * it is read. Built-in strategies are checked by the policy reader itself.
     */
    default java.util.Set<String> optionKeys() {
        return java.util.Set.of();
    }

    /** The masked form of {@code value}, which is never null. */
    Object mask(Object value);

    /**
     * Whether the strategy masks the column's text, so the value is read with {@code getString}
     * (cheaper than {@code getObject} on most drivers); false to receive {@code getObject}'s value.
     */
    default boolean masksText() {
        return true;
    }
}
