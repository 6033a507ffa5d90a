package dev.governed.core.mask;

import java.util.Map;

/**
 * {@code redact}: every value, of any column type, becomes one fixed text ({@code replacement},
 * default {@value #DEFAULT}). Also what derived values over a masked column become.
 */
public final class RedactStrategy implements MaskStrategy {

    public static final String DEFAULT = "****";
    public static final RedactStrategy WHOLE = new RedactStrategy(DEFAULT);

    private final String replacement;

    public RedactStrategy() {
        this(DEFAULT);
    }

    private RedactStrategy(String replacement) {
        this.replacement = replacement;
    }

    @Override
    public String type() {
        return "redact";
    }

    @Override
    public MaskStrategy init(Map<String, Object> options, MaskConfiguration configuration) {
        return new RedactStrategy(Options.text(options, "replacement", DEFAULT));
    }

    @Override
    public Object mask(Object value) {
        return replacement;
    }
}
