package dev.governed.core.engine;

import dev.governed.core.mask.MaskConfiguration;
import dev.governed.core.mask.MaskStrategy;
import java.util.Map;
import java.util.Set;

/** A strategy installed only through the SPI: {@code Jane Doe} becomes {@code J. D.} (or with another separator). */
public final class InitialsStrategy implements MaskStrategy {

    private final String separator;

    public InitialsStrategy() {
        this(".");
    }

    private InitialsStrategy(String separator) {
        this.separator = separator;
    }

    @Override
    public String type() {
        return "initials";
    }

    @Override
    public Set<String> optionKeys() {
        return Set.of("separator");
    }

    @Override
    public MaskStrategy init(Map<String, Object> options, MaskConfiguration configuration) {
        return new InitialsStrategy(String.valueOf(options.getOrDefault("separator", ".")));
    }

    @Override
    public Object mask(Object value) {
        StringBuilder result = new StringBuilder();
        for (String each : value.toString().trim().split("\\s+")) {
            if (!each.isEmpty()) {
                result.append(result.length() == 0 ? "" : " ").append(each.charAt(0)).append(separator);
            }
        }
        return result.toString();
    }
}
