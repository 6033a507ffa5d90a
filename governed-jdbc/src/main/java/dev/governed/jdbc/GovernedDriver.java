package dev.governed.jdbc;

import dev.governed.core.GovernedSettings;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Properties;
import java.util.logging.Logger;

/**
 * The {@code jdbc:governed:} driver: strips the prefix, connects with the real
 * driver, and hands out a governed connection. {@code jdbc:governed:h2:mem:demo}
 * governs {@code jdbc:h2:mem:demo}; {@code jdbc:governed://host:port/orders} asks
 * the enforcement service for connection {@code orders} (see {@link ServiceMode}).
 */
public final class GovernedDriver implements Driver {

    public static final String URL_PREFIX = "jdbc:governed:";

    static {
        try {
            DriverManager.registerDriver(new GovernedDriver());
        } catch (SQLException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @Override
    public Connection connect(String url, Properties info) throws SQLException {
        if (!acceptsURL(url)) {
            return null;
        }
        String targetUrl;
        Properties properties;
        ServiceMode.Lease lease = ServiceMode.Lease.NONE;
        if (url.startsWith(ServiceMode.PREFIX)) {
            ServiceMode.Resolved resolved = ServiceMode.resolve(url, info);
            targetUrl = resolved.targetUrl();
            properties = resolved.properties();
            lease = resolved.lease();
        } else {
            targetUrl = "jdbc:" + url.substring(URL_PREFIX.length());
            properties = info == null ? new Properties() : info;
        }
        try {
            GovernedSettings settings = GovernedSettings.from(properties);
            Governance governance = GovernanceRegistry.shared().governanceFor(targetUrl, settings);
            Connection raw = TargetDrivers.find(targetUrl).connect(targetUrl, GovernedSettings.withoutGovernedKeys(properties));
            if (raw == null) {
                throw new SQLException("The driver for " + Target.describe(targetUrl) + " did not accept the URL;"
                        + " check the part after jdbc:governed:.", "08001");
            }
            return GovernedConnections.open(raw, governance, settings, lease);
        } catch (SQLException | RuntimeException e) {
            lease.release();
            throw e;
        }
    }

    /**
     * Returns once every audit event accepted so far, for every {@code jdbc:governed:} configuration
     * in this JVM, has reached its sinks. Governed also flushes at JVM exit.
     */
    public static void flushAudit() {
        GovernanceRegistry.shared().flushAll();
    }

    @Override
    public boolean acceptsURL(String url) {
        return url != null && url.startsWith(URL_PREFIX);
    }

    @Override
    public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) {
        return new DriverPropertyInfo[] {
            describe(GovernedSettings.TOKEN, "the caller's JWT"),
            describe(GovernedSettings.TOKEN_FILE, "a file holding the caller's JWT, re-read when it changes"),
            describe(GovernedSettings.POLICY, "policy location: file path, file:, classpath: or the service URL"),
            describe(GovernedSettings.JWKS, "JWKS location (file: or http(s)://)"),
            describe(GovernedSettings.ISSUER, "required token issuer(s), comma-separated"),
            describe(GovernedSettings.AUDIENCE, "required token audience"),
            describe(GovernedSettings.RESOURCE, "this datasource's name in policies (default: the database name)"),
            describe(GovernedSettings.ENVIRONMENT, "the environment, e.g. prod"),
            describe(GovernedSettings.AUDIT, "audit sinks, e.g. jsonl:/var/log/governed/audit.jsonl"),
            describe(GovernedSettings.ALLOW_UNWRAP, "true to allow unwrap() to the vendor's classes"),
        };
    }

    private static DriverPropertyInfo describe(String name, String description) {
        DriverPropertyInfo result = new DriverPropertyInfo(name, null);
        result.description = description;
        return result;
    }

    @Override
    public int getMajorVersion() {
        return 0;
    }

    @Override
    public int getMinorVersion() {
        return 1;
    }

    /** Not JDBC compliant in the spec's sense: it refuses SQL that policy does not allow. */
    @Override
    public boolean jdbcCompliant() {
        return false;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("Governed logs through SLF4J");
    }
}
