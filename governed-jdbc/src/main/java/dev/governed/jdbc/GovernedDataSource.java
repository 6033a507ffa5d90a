package dev.governed.jdbc;

import dev.governed.core.GovernedSettings;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Objects;
import java.util.Properties;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Governs any {@link DataSource}, typically a HikariCP pool:
 *
 * <pre>{@code
 * DataSource governed = GovernedDataSource.wrap(hikari)
 *         .policy("classpath:policy.yaml")
 *         .jwks("https://idp.example.com/jwks.json").issuer("https://idp.example.com").audience("orders-db")
 *         .audit("jsonl:/var/log/governed/audit.jsonl")
 *         .build();
 * }</pre>
 *
 * Each connection identifies its caller per statement ({@code Governed.runAs}), so
 * one pool can serve many agents. Closing it flushes the audit trail and closes
 * the wrapped data source when that is closeable.
 */
public final class GovernedDataSource implements DataSource, AutoCloseable {

    private final DataSource target;
    private final GovernedSettings settings;
    private final Object lock = new Object();
    private volatile Governance governance;

    private GovernedDataSource(DataSource target, GovernedSettings settings) {
        this.target = target;
        this.settings = settings;
    }

    public static Builder wrap(DataSource target) {
        return new Builder(Objects.requireNonNull(target, "target"));
    }

    @Override
    public Connection getConnection() throws SQLException {
        return govern(target.getConnection());
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return govern(target.getConnection(username, password));
    }

    /** Flushes the audit trail, then closes the wrapped data source if it can be closed. */
    @Override
    public void close() throws Exception {
        try {
            Governance current = governance;
            if (current != null) {
                current.close();
            }
        } finally {
            if (target instanceof AutoCloseable) {
                ((AutoCloseable) target).close();
            }
        }
    }

    private Connection govern(Connection raw) throws SQLException {
        Governance shared;
        try {
            shared = governance(raw);
        } catch (SQLException | RuntimeException e) {
            raw.close();
            throw e;
        }
        return GovernedConnections.open(raw, shared, settings);
    }

    /** Built on the first connection, whose URL names the target and, by default, the resource. */
    private Governance governance(Connection raw) throws SQLException {
        Governance current = governance;
        if (current != null) {
            return current;
        }
        synchronized (lock) {
            if (governance == null) {
                governance = GovernanceFactory.create(raw.getMetaData().getURL(), settings);
            }
            return governance;
        }
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        return Unwrapping.unwrap(this, target, type, settings.flag(GovernedSettings.ALLOW_UNWRAP));
    }

    @Override
    public boolean isWrapperFor(Class<?> type) throws SQLException {
        return Unwrapping.isWrapperFor(this, target, type, settings.flag(GovernedSettings.ALLOW_UNWRAP));
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return target.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        target.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        target.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return target.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return target.getParentLogger();
    }

    /** Settings for a governed data source; the same keys as the driver's connection properties. */
    public static final class Builder {
        private final DataSource target;
        private final Properties properties = new Properties();

        private Builder(DataSource target) {
            this.target = target;
        }

        public Builder policy(String location) {
            return property(GovernedSettings.POLICY, location);
        }

        public Builder jwks(String location) {
            return property(GovernedSettings.JWKS, location);
        }

        public Builder issuer(String issuer) {
            return property(GovernedSettings.ISSUER, issuer);
        }

        public Builder audience(String audience) {
            return property(GovernedSettings.AUDIENCE, audience);
        }

        public Builder resource(String name) {
            return property(GovernedSettings.RESOURCE, name);
        }

        public Builder environment(String environment) {
            return property(GovernedSettings.ENVIRONMENT, environment);
        }

        public Builder audit(String sinks) {
            return property(GovernedSettings.AUDIT, sinks);
        }

        /** A token for every caller that does not bring its own through {@code Governed.runAs}. */
        public Builder token(String token) {
            return property(GovernedSettings.TOKEN, token);
        }

        public Builder tokenFile(String path) {
            return property(GovernedSettings.TOKEN_FILE, path);
        }

        public Builder allowUnwrap(boolean allowed) {
            return property(GovernedSettings.ALLOW_UNWRAP, Boolean.toString(allowed));
        }

        /** Any {@code governed.*} setting by its key. */
        public Builder property(String key, String value) {
            if (!key.startsWith(GovernedSettings.PREFIX)) {
                throw new IllegalArgumentException(key + " is not a Governed setting; keys start with "
                        + GovernedSettings.PREFIX);
            }
            properties.setProperty(key, Objects.requireNonNull(value, key));
            return this;
        }

        public GovernedDataSource build() {
            return new GovernedDataSource(target, GovernedSettings.from(properties));
        }
    }
}
