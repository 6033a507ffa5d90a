package dev.governed.jdbc.internal.mask;

import java.util.List;

/**
 * One column of a statement's result, with every source column that flows into it.
 *
 * @param label the label the database should give it (alias or column name, lower-cased), or null
 *              when it names an expression and the database picks the label
 */
public record OutputColumn(String label, List<Flow> flows) {
    public OutputColumn {
        flows = List.copyOf(flows);
    }
}
