package dev.governed.jdbc.mask;

import dev.governed.policy.TableName;
import java.util.List;

/** The columns of a base table, in table order, lower-cased; null when they cannot be known. */
@FunctionalInterface
public interface Catalog {
    List<String> columns(TableName table);
}
