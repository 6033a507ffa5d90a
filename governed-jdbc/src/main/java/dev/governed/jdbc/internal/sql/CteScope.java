package dev.governed.jdbc.internal.sql;

import java.util.HashSet;
import java.util.Set;

/** CTE names visible at a point of the statement, as {@link Names#cteKey} keys. */
record CteScope(Set<String> names) {
    static final CteScope EMPTY = new CteScope(Set.of());

    boolean contains(String name) {
        return names.contains(name);
    }

    CteScope with(String name) {
        Set<String> more = new HashSet<>(names);
        more.add(name);
        return new CteScope(Set.copyOf(more));
    }
}
