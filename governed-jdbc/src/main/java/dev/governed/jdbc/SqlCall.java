package dev.governed.jdbc;

import java.sql.SQLException;

/** One call into the real driver. */
@FunctionalInterface
interface SqlCall<T> {
    T call() throws SQLException;
}
