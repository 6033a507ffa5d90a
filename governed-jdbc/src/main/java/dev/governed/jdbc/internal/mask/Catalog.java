package dev.governed.jdbc.internal.mask;

import dev.governed.policy.TableName;
import java.util.List;

/**
 * What lineage needs to know about a database's relations. Only {@link #columns} is required;
 * a catalog that knows no views or inheritance answers the defaults.
 */
@FunctionalInterface
public interface Catalog {

    /** The columns of a table or view, in order, lower-cased; null when they cannot be known. */
    List<String> columns(TableName table);

    /**
     * Whether {@code table} is a view (or materialized view), and its defining query.
     *
     * @return null for a table; a view whose {@code definition} is null when it cannot be read
     */
    default View view(TableName table) {
        return null;
    }

    /**
     * The tables whose rows are rows of {@code table} or hold its rows: its inheritance or partition
     * ancestors and descendants (PostgreSQL's pg_inherits), schema-qualified. Empty when none.
     */
    default List<TableName> relatives(TableName table) {
        return List.of();
    }

    /**
     * Whether the database gives every CASE, array, VALUES and set-operation column one type before running the
     * statement (PostgreSQL), so converting a value to that type cannot fail on the value at run time. False, the
     * safe answer, where it may convert at run time (H2: {@code CASE … THEN name ELSE id END} converts each
     * {@code name} reached, and fails on text that is not a number).
     */
    default boolean typesSettledBeforeRunning() {
        return false;
    }

    /**
     * A view's definition.
     *
     * @param definition the query text, or null when the database does not show it to this user
     */
    record View(TableName name, String definition) {}
}
