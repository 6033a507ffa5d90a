package dev.governed.jdbc.internal.mask;

import dev.governed.core.mask.MaskStrategy;
import dev.governed.policy.ColumnPattern;
import dev.governed.policy.MaskRule;
import java.util.List;

/** A mask that applies to the current caller on this datasource, with its configured strategy. */
public record ActiveMask(MaskRule rule, MaskStrategy strategy) {

    public boolean covers(SourceColumn column) {
        for (ColumnPattern each : rule.columns()) {
            if (each.matches(column.table(), column.column())) {
                return true;
            }
        }
        return false;
    }

    /** The first of {@code masks} that covers {@code column}, or null. */
    public static ActiveMask find(List<ActiveMask> masks, SourceColumn column) {
        for (ActiveMask each : masks) {
            if (each.covers(column)) {
                return each;
            }
        }
        return null;
    }
}
