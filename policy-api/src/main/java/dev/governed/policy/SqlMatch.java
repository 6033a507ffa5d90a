package dev.governed.policy;

import java.util.List;
import java.util.Set;

/**
 * Which statements a rule covers. An empty {@code operations} set means "every
 * non-privileged operation" for allow and approve rules and "every operation" for deny
 * rules; an empty {@code tables} list means any table.
 */
public record SqlMatch(Set<SqlOperation> operations, List<TablePattern> tables, Where where) {

    /** Matches every statement, subject to the privileged-operation rule above. */
    public static final SqlMatch ANY = new SqlMatch(Set.of(), List.of(), Where.ANY);

    /** {@code sql.where}: whether an UPDATE or DELETE restricts its rows. */
    public enum Where {
        /** The key is absent: the WHERE clause does not matter. */
        ANY,
        /** {@code where: absent}: matches statements without a WHERE clause. */
        ABSENT,
        /** {@code where: present}: matches statements with a WHERE clause. */
        PRESENT;

        public String key() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public SqlMatch {
        operations = Set.copyOf(operations);
        tables = List.copyOf(tables);
        java.util.Objects.requireNonNull(where, "where");
    }
}
