package dev.governed.jdbc;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;

/** Metadata whose connection and result sets are the governed ones. */
final class GovernedDatabaseMetaData extends DatabaseMetaDataWrapper {

    private final GovernedConnection owner;

    GovernedDatabaseMetaData(DatabaseMetaData metaData, GovernedConnection owner) {
        super(metaData);
        this.owner = owner;
    }

    @Override
    ResultSet wrap(ResultSet resultSet) {
        return resultSet == null ? null : new GovernedResultSet(resultSet, null, owner.governance().allowUnwrap);
    }

    @Override
    public Connection getConnection() {
        return owner;
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        return Unwrapping.unwrap(this, metaData, type, owner.governance().allowUnwrap);
    }

    @Override
    public boolean isWrapperFor(Class<?> type) throws SQLException {
        return Unwrapping.isWrapperFor(this, metaData, type, owner.governance().allowUnwrap);
    }
}
