package dev.governed.jdbc;

import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ServiceLoader;

/**
 * Finds the real driver for a target URL. DriverManager only offers drivers the
 * caller's class loader can see, which in containers and plugin hosts is often
 * not the application's, so the context and Governed's own loaders are asked too.
 */
final class TargetDrivers {
    private TargetDrivers() {}

    static Driver find(String targetUrl) throws SQLException {
        try {
            Driver found = DriverManager.getDriver(targetUrl);
            if (!(found instanceof GovernedDriver)) {
                return found;
            }
        } catch (SQLException notRegistered) {
            // fall through to the service loaders
        }
        for (ClassLoader loader : new ClassLoader[] {
                Thread.currentThread().getContextClassLoader(), TargetDrivers.class.getClassLoader()}) {
            if (loader == null) {
                continue;
            }
            for (Driver each : ServiceLoader.load(Driver.class, loader)) {
                if (!(each instanceof GovernedDriver) && each.acceptsURL(targetUrl)) {
                    return each;
                }
            }
        }
        throw new SQLException("Governed found no JDBC driver for " + Target.describe(targetUrl)
                + ": add the database's driver (e.g. org.postgresql:postgresql or com.h2database:h2) to the"
                + " classpath.", "08001");
    }
}
