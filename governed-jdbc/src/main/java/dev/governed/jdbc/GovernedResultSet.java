package dev.governed.jdbc;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

/**
 * A result set that leads back only to governed objects. {@code owner} is null for
 * result sets of {@link java.sql.DatabaseMetaData}, as JDBC allows.
 */
final class GovernedResultSet extends ResultSetWrapper {

    private final GovernedStatement owner;
    private final boolean allowUnwrap;

    GovernedResultSet(ResultSet resultSet, GovernedStatement owner) {
        this(resultSet, owner, owner.governance.allowUnwrap);
    }

    GovernedResultSet(ResultSet resultSet, GovernedStatement owner, boolean allowUnwrap) {
        super(resultSet);
        this.owner = owner;
        this.allowUnwrap = allowUnwrap;
    }

    @Override
    public Statement getStatement() {
        return owner;
    }

    @Override
    public Object getObject(int columnIndex) throws SQLException {
        return governed(resultSet.getObject(columnIndex));
    }

    @Override
    public Object getObject(String columnLabel) throws SQLException {
        return governed(resultSet.getObject(columnLabel));
    }

    @Override
    public Object getObject(int columnIndex, Map<String, Class<?>> map) throws SQLException {
        return governed(resultSet.getObject(columnIndex, map));
    }

    @Override
    public Object getObject(String columnLabel, Map<String, Class<?>> map) throws SQLException {
        return governed(resultSet.getObject(columnLabel, map));
    }

    @Override
    public <T> T getObject(int columnIndex, Class<T> type) throws SQLException {
        return type.cast(governed(resultSet.getObject(columnIndex, type)));
    }

    @Override
    public <T> T getObject(String columnLabel, Class<T> type) throws SQLException {
        return type.cast(governed(resultSet.getObject(columnLabel, type)));
    }

    @Override
    public void close() throws SQLException {
        resultSet.close();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        return Unwrapping.unwrap(this, resultSet, type, allowUnwrap);
    }

    @Override
    public boolean isWrapperFor(Class<?> type) throws SQLException {
        return Unwrapping.isWrapperFor(this, resultSet, type, allowUnwrap);
    }

    private Object governed(Object value) {
        return value instanceof ResultSet ? new GovernedResultSet((ResultSet) value, owner, allowUnwrap) : value;
    }
}
