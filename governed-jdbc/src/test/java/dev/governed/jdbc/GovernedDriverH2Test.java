package dev.governed.jdbc;

import java.util.Properties;
import java.util.UUID;

class GovernedDriverH2Test extends GovernedDriverContract {

    @Override
    String newDatabaseUrl() {
        return "jdbc:h2:mem:" + UUID.randomUUID().toString().replace("-", "") + ";DB_CLOSE_DELAY=-1";
    }

    @Override
    Properties targetProperties() {
        Properties result = new Properties();
        result.setProperty("user", "sa");
        result.setProperty("password", "");
        return result;
    }

    @Override
    Class<?> vendorConnectionClass() {
        return org.h2.jdbc.JdbcConnection.class;
    }

    @Override
    Class<?> vendorResultSetClass() {
        return org.h2.jdbc.JdbcResultSet.class;
    }

    @Override
    Class<?> vendorStatementClass() {
        return org.h2.jdbc.JdbcStatement.class;
    }
}
