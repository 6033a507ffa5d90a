package dev.governed.core.mask;

import java.util.Map;

/** {@code null}: every value becomes SQL NULL, whatever the column type; typed getters answer 0/false and wasNull. */
public final class NullStrategy implements MaskStrategy {

    @Override
    public String type() {
        return "null";
    }

    @Override
    public MaskStrategy init(Map<String, Object> options, MaskConfiguration configuration) {
        return this;
    }

    @Override
    public boolean masksText() {
        return false;
    }

    @Override
    public Object mask(Object value) {
        return null;
    }
}
