package dev.governed.jdbc;

import dev.governed.testsupport.PostgresFixture;
import java.util.Properties;

class GovernedDriverPostgresTest extends GovernedDriverContract {

    private static final PostgresFixture POSTGRES = PostgresFixture.shared();
    private static int databases;

    @Override
    String newDatabaseUrl() {
        String name = "driver_" + (++databases);
        POSTGRES.newDatabase(name);
        return POSTGRES.jdbcUrl(name);
    }

    @Override
    Properties targetProperties() {
        Properties result = new Properties();
        result.setProperty("user", POSTGRES.user());
        result.setProperty("password", POSTGRES.password());
        return result;
    }

    @Override
    Class<?> vendorConnectionClass() {
        return org.postgresql.PGConnection.class;
    }

    @Override
    Class<?> vendorResultSetClass() {
        return org.postgresql.jdbc.PgResultSet.class;
    }

    @Override
    Class<?> vendorStatementClass() {
        return org.postgresql.PGStatement.class;
    }
}
