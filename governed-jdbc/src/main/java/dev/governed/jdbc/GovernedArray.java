package dev.governed.jdbc;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;

/**
 * An SQL array whose element result sets are governed. The vendor's {@code getResultSet()}
 * hands out a result set whose {@code getStatement().getConnection()} is the raw connection
 * (PostgreSQL), an escape route around every decision.
 */
final class GovernedArray implements Array {

    private final Array array;
    private final GovernedStatement owner;
    private final boolean allowUnwrap;

    GovernedArray(Array array, GovernedStatement owner, boolean allowUnwrap) {
        this.array = array;
        this.owner = owner;
        this.allowUnwrap = allowUnwrap;
    }

    static Array of(Array array, GovernedStatement owner, boolean allowUnwrap) {
        return array == null || array instanceof GovernedArray ? array : new GovernedArray(array, owner, allowUnwrap);
    }

    @Override
    public String getBaseTypeName() throws SQLException {
        return array.getBaseTypeName();
    }

    @Override
    public int getBaseType() throws SQLException {
        return array.getBaseType();
    }

    @Override
    public Object getArray() throws SQLException {
        return array.getArray();
    }

    @Override
    public Object getArray(Map<String, Class<?>> map) throws SQLException {
        return array.getArray(map);
    }

    @Override
    public Object getArray(long index, int count) throws SQLException {
        return array.getArray(index, count);
    }

    @Override
    public Object getArray(long index, int count, Map<String, Class<?>> map) throws SQLException {
        return array.getArray(index, count, map);
    }

    @Override
    public ResultSet getResultSet() throws SQLException {
        return wrap(array.getResultSet());
    }

    @Override
    public ResultSet getResultSet(Map<String, Class<?>> map) throws SQLException {
        return wrap(array.getResultSet(map));
    }

    @Override
    public ResultSet getResultSet(long index, int count) throws SQLException {
        return wrap(array.getResultSet(index, count));
    }

    @Override
    public ResultSet getResultSet(long index, int count, Map<String, Class<?>> map) throws SQLException {
        return wrap(array.getResultSet(index, count, map));
    }

    @Override
    public void free() throws SQLException {
        array.free();
    }

    /** Drivers that do not know this class write an array parameter by its text form ({1,2}). */
    @Override
    public String toString() {
        return array.toString();
    }

    /** The driver's array, for handing back to the same driver as a parameter; never to the caller. */
    static Object forDriver(Object value) {
        return value instanceof GovernedArray governed ? governed.array : value;
    }

    private ResultSet wrap(ResultSet resultSet) {
        return resultSet == null ? null : new GovernedResultSet(resultSet, owner, allowUnwrap);
    }
}
