package dev.governed.service.connection;

import dev.governed.policy.SqlOperation;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SQL the service runs on a PostgreSQL target as the profile's stored user: checks that it may mint, creates a
 * login with exactly a {@link GrantPlan}'s privileges, renews, re-grants and drops it. Each change is one transaction
 * on a short-lived connection, so a login is either fully set up or not there at all.
 */
final class LoginMinter {
    private static final Logger LOG = LoggerFactory.getLogger(LoginMinter.class);
    /** The library opens one session per login; one more lets a reconnect overlap the old session's exit. */
    static final int CONNECTION_LIMIT = 2;

    /** The stored user and password of a profile, and where they connect. */
    record Target(String url, String user, String password) {
        Connection connect() throws SQLException {
            Properties properties = new Properties();
            if (user != null) {
                properties.setProperty("user", user);
            }
            if (password != null) {
                properties.setProperty("password", password);
            }
            properties.setProperty("connectTimeout", "5");
            properties.setProperty("socketTimeout", "60");
            properties.setProperty("ApplicationName", "governed-service login minter");
            return DriverManager.getConnection(url, properties);
        }
    }

    /** What the stored user may do, and what about the target weakens a minted login (warnings for the admin). */
    record Check(boolean canCreateRoles, boolean canCreateSchemas, int serverVersion, List<String> warnings) {}

    static boolean isPostgres(String url) {
        return url.toLowerCase(Locale.ROOT).startsWith("jdbc:postgresql:");
    }

    static Check check(Target target) throws SQLException {
        try (Connection connection = target.connect()) {
            return check(connection);
        }
    }

    private static Check check(Connection connection) throws SQLException {
        boolean createRole;
        boolean createSchema;
        int version;
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT rolcreaterole OR rolsuper, has_database_privilege(current_database(), 'CREATE'), "
                     + "current_setting('server_version_num')::int FROM pg_roles WHERE rolname = current_user")) {
            if (!rows.next()) {
                throw new SQLException("the connected user is missing from pg_roles");
            }
            createRole = rows.getBoolean(1);
            createSchema = rows.getBoolean(2);
            version = rows.getInt(3);
        }
        List<String> warnings = new ArrayList<>();
        if (!createSchema) {
            warnings.add("the stored user has no CREATE privilege on the database, so masked columns get no masking views: a minted "
                    + "login cannot read them at all (GRANT CREATE ON DATABASE to the user to enable the views)");
        }
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT n.nspname || '.' || p.proname FROM pg_proc p "
                     + "JOIN pg_namespace n ON n.oid = p.pronamespace WHERE p.prosecdef AND " + TargetCatalog.SYSTEM_SCHEMAS
                     + " AND (p.proacl IS NULL OR EXISTS (SELECT 1 FROM aclexplode(p.proacl) a WHERE a.grantee = 0 "
                     + "AND a.privilege_type = 'EXECUTE')) ORDER BY 1 LIMIT 20")) {
            List<String> functions = new ArrayList<>();
            while (rows.next()) {
                functions.add(rows.getString(1));
            }
            if (!functions.isEmpty()) {
                warnings.add("SECURITY DEFINER functions any role may execute run with their owner's privileges, beyond a minted "
                        + "login's grants: " + String.join(", ", functions) + "; REVOKE EXECUTE ... FROM PUBLIC on them");
            }
        }
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT n.nspname FROM pg_namespace n WHERE " + TargetCatalog.SYSTEM_SCHEMAS
                     + " AND EXISTS (SELECT 1 FROM aclexplode(n.nspacl) a WHERE a.grantee = 0 AND a.privilege_type = 'CREATE') ORDER BY 1")) {
            List<String> schemas = new ArrayList<>();
            while (rows.next()) {
                schemas.add(rows.getString(1));
            }
            if (!schemas.isEmpty()) {
                warnings.add("any role may CREATE in schema(s) " + String.join(", ", schemas) + ", minted logins included; "
                        + "REVOKE CREATE ON SCHEMA ... FROM PUBLIC");
            }
        }
        return new Check(createRole, createSchema, version, List.copyOf(warnings));
    }

    /** Creates {@code login} valid until {@code validUntil} with {@code plan}'s privileges; returns the plan actually applied. */
    static GrantPlan create(Target target, String login, char[] password, Instant validUntil, PlanSource plans) throws SQLException {
        try (Connection connection = target.connect()) {
            Check check = check(connection);
            if (!check.canCreateRoles()) {
                throw new SQLException("user '" + target.user() + "' has no CREATEROLE", "42501");
            }
            connection.setAutoCommit(false);
            lock(connection);
            try (Statement statement = connection.createStatement()) {
                if (check.serverVersion() >= 160000) {
                    // The minter becomes a member of what it creates, so it may end the login's sessions and drop what it owns.
                    statement.execute("SET LOCAL createrole_self_grant = 'set, inherit'");
                }
                statement.execute("CREATE ROLE " + Sql.identifier(login) + " LOGIN NOINHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE "
                        + "NOREPLICATION NOBYPASSRLS CONNECTION LIMIT " + CONNECTION_LIMIT + " VALID UNTIL " + Sql.literal(validUntil.toString()));
            }
            // The SCRAM verifier is computed here, so the password never reaches the server's statement log.
            // pgjdbc wipes the array it is given, so it gets a copy.
            connection.unwrap(PGConnection.class).alterUserPassword(login, password.clone(), "scram-sha-256");
            GrantPlan plan = plans.plan(TargetCatalog.read(connection));
            apply(connection, login, plan, check.canCreateSchemas());
            connection.commit();
            return plan;
        }
    }

    /** Derives a plan from the catalog as the transaction sees it. */
    interface PlanSource {
        GrantPlan plan(TargetCatalog catalog);
    }

    static void renew(Target target, String login, Instant validUntil) throws SQLException {
        try (Connection connection = target.connect(); Statement statement = connection.createStatement()) {
            statement.execute("ALTER ROLE " + Sql.identifier(login) + " VALID UNTIL " + Sql.literal(validUntil.toString()));
        }
    }

    /**
     * Replaces every privilege of {@code login} by {@code plan}'s and those of its live approvals, in one transaction:
     * statements see the old set or the new. This is also how one approval's privileges end: the others are granted
     * again, so two approvals needing the same privilege never take it from each other.
     */
    static GrantPlan regrant(Target target, String login, PlanSource plans, Supplier<List<ApprovalPrivileges>> approvals)
            throws SQLException {
        try (Connection connection = target.connect()) {
            Check check = check(connection);
            connection.setAutoCommit(false);
            lock(connection);
            TargetCatalog catalog = TargetCatalog.read(connection);
            revokeAll(connection, login, catalog);
            GrantPlan plan = plans.plan(catalog);
            apply(connection, login, plan, check.canCreateSchemas());
            for (ApprovalPrivileges each : approvals.get()) {
                apply(connection, login, each);
            }
            connection.commit();
            return plan;
        }
    }

    /**
     * Adds the privileges {@code derive} finds for one approval to {@code login}. {@code record} keeps them in the
     * service's database before the grant commits, so a crash in between leaves a record of them, never a bare grant.
     */
    static ApprovalPrivileges grantApproval(Target target, String login, Function<TargetCatalog, ApprovalPrivileges> derive,
                                            Consumer<ApprovalPrivileges> record) throws SQLException {
        try (Connection connection = target.connect()) {
            connection.setAutoCommit(false);
            lock(connection);
            if (!roleExists(connection, login)) {
                throw new SQLException("login " + login + " no longer exists on the target", "42704");
            }
            ApprovalPrivileges privileges = derive.apply(TargetCatalog.read(connection));
            apply(connection, login, privileges);
            record.accept(privileges);
            connection.commit();
            return privileges;
        }
    }

    /**
     * Serialises the service's privilege changes on one database, across service instances, until the transaction
     * ends. Every GRANT and REVOKE on a table rewrites its catalog row, so two of them over the same tables in another
     * order deadlock; and the live approval grants a re-grant reads must not change under it.
     */
    private static void lock(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("SELECT pg_advisory_xact_lock(hashtext('governed: minted login privileges'))");
        }
    }

    private static void apply(Connection connection, String login, ApprovalPrivileges privileges) throws SQLException {
        String role = Sql.identifier(login);
        try (Statement statement = connection.createStatement()) {
            for (ApprovalPrivileges.Table each : privileges.tables()) {
                statement.execute("GRANT USAGE ON SCHEMA " + Sql.identifier(each.schema()) + " TO " + role);
                List<String> whole = each.operations().stream()
                        .filter(operation -> !operation.equals("SELECT") || each.columns().isEmpty()).toList();
                if (!whole.isEmpty()) {
                    statement.execute("GRANT " + String.join(", ", whole) + " ON " + each.quoted() + " TO " + role);
                }
                if (each.operations().contains("SELECT") && !each.columns().isEmpty()) {
                    statement.execute("GRANT SELECT (" + each.columns().stream().map(Sql::identifier).collect(Collectors.joining(", "))
                            + ") ON " + each.quoted() + " TO " + role);
                }
                for (String sequence : each.sequences()) {
                    statement.execute("GRANT USAGE ON SEQUENCE " + sequence + " TO " + role);
                }
            }
        }
    }

    /**
     * Disables, strips, disconnects and drops {@code login}. Its privileges go first, so even a session that cannot be
     * terminated (the stored user lacks the right) fails its next statement.
     */
    static void drop(Target target, String login) throws SQLException {
        if (!LoginNames.isLogin(login)) {
            throw new IllegalArgumentException("'" + login + "' is not a login this service minted; refusing to drop it");
        }
        try (Connection connection = target.connect()) {
            if (!roleExists(connection, login)) {
                return;
            }
            try (Statement statement = connection.createStatement()) {
                statement.execute("ALTER ROLE " + Sql.identifier(login) + " NOLOGIN VALID UNTIL '-infinity'");
            }
            connection.setAutoCommit(false);
            lock(connection);
            revokeAll(connection, login, TargetCatalog.read(connection));
            connection.commit();
            connection.setAutoCommit(true);
            terminateSessions(connection, login);
            try (Statement statement = connection.createStatement()) {
                statement.execute("DROP ROLE " + Sql.identifier(login));
            }
        }
    }

    private static boolean roleExists(Connection connection, String login) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT 1 FROM pg_roles WHERE rolname = ?")) {
            statement.setString(1, login);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next();
            }
        }
    }

    private static void terminateSessions(Connection connection, String login) {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = ? AND pid <> pg_backend_pid()")) {
            statement.setString(1, login);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    LOG.debug("terminated a session of {}", login);
                }
            }
        } catch (SQLException e) {
            LOG.warn("could not terminate the sessions of {} ({}); its privileges are revoked, so their next statement fails; grant "
                    + "pg_signal_backend to the profile's user to end them at once", login, e.getMessage());
        }
    }

    private static void revokeAll(Connection connection, String login, TargetCatalog catalog) throws SQLException {
        String role = Sql.identifier(login);
        try (Statement statement = connection.createStatement()) {
            statement.execute("DROP SCHEMA IF EXISTS " + Sql.identifier(LoginNames.maskSchema(login)) + " CASCADE");
            for (String schema : catalog.schemas()) {
                String quoted = Sql.identifier(schema);
                statement.execute("REVOKE ALL ON ALL TABLES IN SCHEMA " + quoted + " FROM " + role);
                statement.execute("REVOKE ALL ON ALL SEQUENCES IN SCHEMA " + quoted + " FROM " + role);
                statement.execute("REVOKE ALL ON SCHEMA " + quoted + " FROM " + role);
            }
        }
    }

    private static void apply(Connection connection, String login, GrantPlan plan, boolean canCreateSchemas) throws SQLException {
        String role = Sql.identifier(login);
        try (Statement statement = connection.createStatement()) {
            for (String schema : plan.schemas()) {
                statement.execute("GRANT USAGE ON SCHEMA " + Sql.identifier(schema) + " TO " + role);
            }
            for (GrantPlan.TableGrant each : plan.tables()) {
                List<String> whole = each.operations().stream()
                        .filter(operation -> operation != SqlOperation.SELECT || each.readable().isEmpty() && each.masked().isEmpty())
                        .map(operation -> operation.key().toUpperCase(Locale.ROOT)).sorted().toList();
                if (!whole.isEmpty()) {
                    statement.execute("GRANT " + String.join(", ", whole) + " ON " + each.relation().quoted() + " TO " + role);
                }
                if (each.operations().contains(SqlOperation.SELECT) && !each.readable().isEmpty() && !each.masked().isEmpty()) {
                    statement.execute("GRANT SELECT (" + each.readable().stream().map(Sql::identifier).collect(Collectors.joining(", "))
                            + ") ON " + each.relation().quoted() + " TO " + role);
                }
                for (String sequence : each.sequences()) {
                    statement.execute("GRANT USAGE ON SEQUENCE " + sequence + " TO " + role);
                }
            }
            if (plan.views().isEmpty() || !canCreateSchemas) {
                return;
            }
            String schema = Sql.identifier(LoginNames.maskSchema(login));
            statement.execute("CREATE SCHEMA " + schema);
            statement.execute("GRANT USAGE ON SCHEMA " + schema + " TO " + role);
            for (GrantPlan.MaskView view : plan.views()) {
                String columns = view.columns().entrySet().stream()
                        .map(column -> column.getValue() + " AS " + Sql.identifier(column.getKey())).collect(Collectors.joining(", "));
                String name = schema + "." + Sql.identifier(view.name());
                statement.execute("CREATE VIEW " + name + " WITH (security_barrier) AS SELECT " + columns + " FROM " + view.relation().quoted());
                statement.execute("GRANT SELECT ON " + name + " TO " + role);
            }
        }
    }
}
