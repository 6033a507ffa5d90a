package dev.governed.jdbc.internal.mask;

import dev.governed.core.mask.EmailStrategy;
import dev.governed.core.mask.KeepStrategy;
import dev.governed.core.mask.MaskStrategy;
import dev.governed.core.mask.RedactStrategy;

/**
 * Masks one value with a column's strategy. The common built-ins are called through their own
 * (final) classes: a result set masking columns with three strategies would otherwise make one
 * interface call site see all three, which the JIT neither inlines nor dispatches cheaply, for
 * every value of every row.
 */
public final class StrategyCalls {

    private StrategyCalls() {}

    public static Object mask(MaskStrategy strategy, Object value) {
        if (strategy instanceof KeepStrategy keep) {
            return keep.mask(value);
        }
        if (strategy instanceof EmailStrategy email) {
            return email.mask(value);
        }
        if (strategy instanceof RedactStrategy redact) {
            return redact.mask(value);
        }
        return strategy.mask(value);
    }
}
