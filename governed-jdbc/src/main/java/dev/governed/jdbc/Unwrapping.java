package dev.governed.jdbc;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Wrapper;

/**
 * {@code unwrap} and {@code isWrapperFor} for every governed wrapper: a caller may
 * unwrap to the governed object itself, but reaching the vendor's object would
 * bypass governance, so it is refused unless {@code governed.allowUnwrap=true}.
 */
final class Unwrapping {
    private Unwrapping() {}

    static <T> T unwrap(Object self, Wrapper delegate, Class<T> type, boolean allowed) throws SQLException {
        if (type.isInstance(self)) {
            return type.cast(self);
        }
        if (!allowed) {
            throw new PolicyDeniedException("unwrap", "Governed refused unwrap(" + type.getName() + "): the vendor's"
                    + " object would bypass governance. Use the JDBC interfaces, or set governed.allowUnwrap=true"
                    + " for this datasource if the application is trusted to do so.");
        }
        return delegate.unwrap(type);
    }

    static boolean isWrapperFor(Object self, Wrapper delegate, Class<?> type, boolean allowed) throws SQLException {
        return type.isInstance(self) || (allowed && delegate.isWrapperFor(type));
    }

    /** A value read from the database that may itself be a result set (a refcursor) or an array is handed out governed. */
    static Object governed(Object value, GovernedStatement owner) {
        return governed(value, owner, owner.governance.allowUnwrap);
    }

    static Object governed(Object value, GovernedStatement owner, boolean allowUnwrap) {
        if (value instanceof GovernedResultSet || value instanceof GovernedArray) {
            return value;
        }
        if (value instanceof ResultSet resultSet) {
            return new GovernedResultSet(resultSet, owner, allowUnwrap);
        }
        if (value instanceof Array array) {
            return GovernedArray.of(array, owner, allowUnwrap);
        }
        return value;
    }
}
