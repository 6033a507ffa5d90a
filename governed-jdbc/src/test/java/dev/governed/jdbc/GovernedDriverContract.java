package dev.governed.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the governed driver promises on every database: allowed statements behave
 * as on the raw driver, denied ones never reach the database, and each statement
 * leaves exactly one audit event. Subclasses supply a fresh database.
 */
abstract class GovernedDriverContract {

    GovernedFixture fixture;
    String rawUrl;

    /** A fresh, empty database's JDBC URL, reachable with {@link #targetProperties()}. */
    abstract String newDatabaseUrl() throws Exception;

    /** user/password for the target. */
    abstract Properties targetProperties();

    @BeforeEach
    void createDatabase() throws Exception {
        fixture = new GovernedFixture();
        rawUrl = newDatabaseUrl();
        try (Connection raw = DriverManager.getConnection(rawUrl, targetProperties())) {
            GovernedFixture.createSchema(raw);
        }
    }

    @AfterEach
    void closeFixture() {
        fixture.close();
    }

    Connection governed(String token) throws SQLException {
        Properties properties = fixture.properties(token);
        properties.putAll(targetProperties());
        return DriverManager.getConnection(GovernedFixture.governedUrl(rawUrl), properties);
    }

    Connection support() throws SQLException {
        return governed(fixture.supportAgent());
    }

    long count(String table) throws SQLException {
        try (Connection raw = DriverManager.getConnection(rawUrl, targetProperties());
                Statement statement = raw.createStatement();
                ResultSet result = statement.executeQuery("SELECT COUNT(*) FROM " + table)) {
            result.next();
            return result.getLong(1);
        }
    }

    boolean tableExists(String table) throws SQLException {
        try (Connection raw = DriverManager.getConnection(rawUrl, targetProperties());
                ResultSet tables = raw.getMetaData().getTables(null, null, null, new String[] {"TABLE"})) {
            while (tables.next()) {
                if (tables.getString("TABLE_NAME").equalsIgnoreCase(table)) {
                    return true;
                }
            }
            return false;
        }
    }

    static void assertDenied(ThrowingCall call, String rule) {
        assertThatThrownBy(call::run)
                .isInstanceOf(PolicyDeniedException.class)
                .hasMessageContaining(rule)
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("42501"));
    }

    interface ThrowingCall {
        void run() throws Exception;
    }

    @Test
    void allowedSelectReturnsTheRealRows() throws Exception {
        try (Connection connection = support();
                PreparedStatement statement = connection.prepareStatement(
                        "SELECT name FROM customers WHERE id = ? ORDER BY id")) {
            statement.setInt(1, 2);
            try (ResultSet result = statement.executeQuery()) {
                assertThat(result.next()).isTrue();
                assertThat(result.getString("name")).isEqualTo("Grace");
                assertThat(result.next()).isFalse();
            }
        }
    }

    @Test
    void allowedWritesChangeTheTable() throws Exception {
        try (Connection connection = support(); Statement statement = connection.createStatement()) {
            assertThat(statement.executeUpdate("INSERT INTO orders VALUES (13, 2, 5.00, 'open')")).isEqualTo(1);
            assertThat(statement.executeUpdate("UPDATE orders SET status = 'paid' WHERE customer_id = 1"))
                    .isEqualTo(2);
            assertThat(statement.executeUpdate("DELETE FROM orders WHERE id = 12")).isEqualTo(1);
        }
        assertThat(count("orders")).isEqualTo(3);
    }

    @Test
    void destructiveDdlIsDeniedAndNeverReachesTheDatabase() throws Exception {
        try (Connection connection = support(); Statement statement = connection.createStatement()) {
            assertDenied(() -> statement.execute("DROP TABLE orders"), "no-destructive-ddl");
            assertDenied(() -> statement.execute("TRUNCATE TABLE orders"), "no-destructive-ddl");
        }
        assertThat(tableExists("orders")).isTrue();
        assertThat(count("orders")).isEqualTo(3);
    }

    @Test
    void unboundedDeleteIsDeniedWithItsReason() throws Exception {
        try (Connection connection = support(); Statement statement = connection.createStatement()) {
            assertThatThrownBy(() -> statement.executeUpdate("DELETE FROM orders"))
                    .hasMessageContaining("no-unbounded-writes")
                    .hasMessageContaining("must have a WHERE clause");
        }
        assertThat(count("orders")).isEqualTo(3);
    }

    @Test
    void aRuleThatNeedsApprovalDeniesUntilApprovalsExist() throws Exception {
        try (Connection connection = support(); Statement statement = connection.createStatement()) {
            assertThatThrownBy(() -> statement.executeUpdate("INSERT INTO refunds VALUES (1, 10, 5.00)"))
                    .isInstanceOf(PolicyDeniedException.class)
                    .hasMessageContaining("refunds-need-approval")
                    .hasMessageContaining("requires approval");
        }
        assertThat(count("refunds")).isZero();
        assertThat(fixture.auditEvents().get(0).at("/decision/effect").asText()).isEqualTo("approve");
    }

    @Test
    void tableNoRuleAllowsIsDeniedByDefault() throws Exception {
        try (Connection connection = support(); Statement statement = connection.createStatement()) {
            assertDenied(() -> statement.executeQuery("SELECT secret FROM secrets"), "default");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "dRoP tAbLe orders",
        "/* routine maintenance */ DROP TABLE orders",
        "SELECT 1; DROP TABLE orders",
        "SELECT * FROM customers; DROP TABLE orders",
        "DROP TABLE \"ORDERS\"",
        "DROP TABLE \"orders\"",
        "DROP TABLE public.orders",
        "DROP TABLE PUBLIC.ORDERS",
        "DELETE FROM public.orders",
        "DELETE FROM orders WHERE 1=1; DELETE FROM orders",
        "UPDATE orders SET amount = 0",
        "SELECT * FROM customers WHERE id IN (SELECT id FROM secrets)",
        "SELECT c.name, s.secret FROM customers c JOIN secrets s ON s.id = c.id",
        "SELECT * FROM orders UNION SELECT id, id, id, secret FROM secrets",
        "WITH d AS (DELETE FROM orders RETURNING *) SELECT * FROM d",
        "WITH x AS (SELECT * FROM secrets) SELECT * FROM x",
        "DRP TABLE orders",
        "SELECT * FROM customers -- \n; DROP TABLE orders",
        "INSERT INTO secrets VALUES (2, 'x')",
        "INSERT INTO orders SELECT id, id, 0, secret FROM secrets",
    })
    void evasionsAreDeniedAndChangeNothing(String sql) throws Exception {
        try (Connection connection = support(); Statement statement = connection.createStatement()) {
            assertThatThrownBy(() -> statement.execute(sql))
                    .isInstanceOf(PolicyDeniedException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("42501"));
        }
        assertThat(tableExists("orders")).isTrue();
        assertThat(count("orders")).isEqualTo(3);
        assertThat(count("secrets")).isEqualTo(1);
    }

    @Test
    void deniedStatementsAreDeniedOnEveryEntryPoint() throws Exception {
        String drop = "DROP TABLE orders";
        try (Connection connection = support(); Statement statement = connection.createStatement()) {
            assertDenied(() -> statement.executeQuery(drop), "no-destructive-ddl");
            assertDenied(() -> statement.executeUpdate(drop), "no-destructive-ddl");
            assertDenied(() -> statement.executeUpdate(drop, Statement.RETURN_GENERATED_KEYS), "no-destructive-ddl");
            assertDenied(() -> statement.executeLargeUpdate(drop), "no-destructive-ddl");
            assertDenied(() -> statement.execute(drop, new int[] {1}), "no-destructive-ddl");
            assertDenied(() -> statement.addBatch(drop), "no-destructive-ddl");
            assertDenied(() -> connection.prepareStatement(drop), "no-destructive-ddl");
            assertDenied(() -> connection.prepareStatement(drop, new String[] {"id"}), "no-destructive-ddl");
            assertDenied(() -> connection.prepareCall(drop), "no-destructive-ddl");
            assertDenied(() -> connection.nativeSQL(drop), "no-destructive-ddl");
        }
        assertThat(tableExists("orders")).isTrue();
    }

    @Test
    void aDeniedBatchEntryIsRefusedWhereItIsAdded() throws Exception {
        try (Connection connection = support(); Statement statement = connection.createStatement()) {
            statement.addBatch("DELETE FROM orders WHERE id = 10");
            assertDenied(() -> statement.addBatch("DELETE FROM orders"), "no-unbounded-writes");
            statement.executeBatch();
        }
        assertThat(count("orders")).isEqualTo(2);
    }

    @Test
    void preparedBatchIsOneDecisionAndOneEvent() throws Exception {
        try (Connection connection = support();
                PreparedStatement insert = connection.prepareStatement("INSERT INTO orders VALUES (?, 1, 1.00, 'new')")) {
            for (int id = 20; id < 25; id++) {
                insert.setInt(1, id);
                insert.addBatch();
            }
            insert.executeBatch();
        }
        assertThat(count("orders")).isEqualTo(8);
        List<JsonNode> events = fixture.auditEvents();
        assertThat(events).hasSize(1);
        assertThat(events.get(0).at("/outcome/rows").asLong()).isEqualTo(5);
    }

    @Test
    void everyEscapeRouteHandsOutGovernedObjects() throws Exception {
        try (Connection connection = support()) {
            Statement statement = connection.createStatement();
            assertThat(statement.getConnection()).isSameAs(connection);
            ResultSet result = statement.executeQuery("SELECT id FROM orders ORDER BY id");
            assertThat(result.getStatement()).isSameAs(statement);
            assertThat(statement.getResultSet()).isInstanceOf(GovernedResultSet.class);
            assertThat(statement.getResultSet().getStatement()).isSameAs(statement);

            PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO orders (id, customer_id, amount, status) VALUES (?, 1, 1.00, 'new')",
                    Statement.RETURN_GENERATED_KEYS);
            insert.setInt(1, 30);
            insert.executeUpdate();
            ResultSet keys = insert.getGeneratedKeys();
            assertThat(keys).isInstanceOf(GovernedResultSet.class);
            assertThat(keys.getStatement()).isSameAs(insert);
            assertThat(insert.getConnection()).isSameAs(connection);

            DatabaseMetaData metaData = connection.getMetaData();
            assertThat(metaData).isInstanceOf(GovernedDatabaseMetaData.class);
            assertThat(metaData.getConnection()).isSameAs(connection);
            ResultSet tables = metaData.getTables(null, null, "%", null);
            assertThat(tables).isInstanceOf(GovernedResultSet.class);
            assertThat(tables.getStatement()).isNull();
            assertThat(metaData.getColumns(null, null, "%", "%")).isInstanceOf(GovernedResultSet.class);
            assertThat(metaData.getPrimaryKeys(null, null, "orders")).isInstanceOf(GovernedResultSet.class);

            CallableStatement call = connection.prepareCall("SELECT name FROM customers WHERE id = ?");
            assertThat(call.getConnection()).isSameAs(connection);
        }
    }

    @Test
    void unwrapToTheVendorIsRefused() throws Exception {
        try (Connection connection = support(); Statement statement = connection.createStatement()) {
            Class<?> vendorConnection = vendorConnectionClass();
            assertThat(connection.isWrapperFor(vendorConnection)).isFalse();
            assertThatThrownBy(() -> connection.unwrap(vendorConnection))
                    .isInstanceOf(PolicyDeniedException.class)
                    .hasMessageContaining("governed.allowUnwrap");
            assertThatThrownBy(() -> statement.unwrap(vendorStatementClass())).isInstanceOf(SQLException.class);
            assertThat(connection.unwrap(Connection.class)).isSameAs(connection);
            ResultSet result = statement.executeQuery("SELECT id FROM orders");
            assertThatThrownBy(() -> result.unwrap(vendorResultSetClass())).isInstanceOf(SQLException.class);
            assertThatThrownBy(() -> connection.getMetaData().unwrap(vendorConnection))
                    .isInstanceOf(SQLException.class);
        }
    }

    @Test
    void unwrapIsAllowedWhenConfigured() throws Exception {
        Properties properties = fixture.properties(fixture.supportAgent());
        properties.putAll(targetProperties());
        properties.setProperty("governed.allowUnwrap", "true");
        try (Connection connection = DriverManager.getConnection(GovernedFixture.governedUrl(rawUrl), properties)) {
            assertThat(connection.unwrap(vendorConnectionClass())).isInstanceOf(vendorConnectionClass());
        }
    }

    abstract Class<?> vendorConnectionClass();

    abstract Class<?> vendorResultSetClass();

    abstract Class<?> vendorStatementClass();

    @Test
    void auditHasExactlyOneEventPerStatementWithItsDecision() throws Exception {
        try (Connection connection = support(); Statement statement = connection.createStatement()) {
            statement.executeQuery("SELECT id FROM orders").close();
            assertThatThrownBy(() -> statement.execute("DROP TABLE orders")).isInstanceOf(SQLException.class);
            statement.executeUpdate("UPDATE orders SET status = 'x' WHERE id = 10");
            assertThatThrownBy(() -> statement.execute("SELECT no_such_column FROM orders"))
                    .isInstanceOf(SQLException.class)
                    .isNotInstanceOf(PolicyDeniedException.class);
        }
        List<JsonNode> events = fixture.auditEvents();
        assertThat(events).hasSize(4);
        JsonNode select = events.get(0);
        assertThat(select.at("/decision/effect").asText()).isEqualTo("allow");
        assertThat(select.at("/decision/rule").asText()).isEqualTo("support-read");
        assertThat(select.at("/decision/policyVersion").asLong()).isEqualTo(7);
        assertThat(select.at("/actor/subject").asText()).isEqualTo("agent:support");
        assertThat(select.at("/action/operation").asText()).isEqualTo("select");
        assertThat(select.at("/action/tables/0").asText()).isEqualTo("public.orders");
        assertThat(select.at("/outcome/status").asText()).isEqualTo("ok");
        assertThat(select.at("/resource/kind").asText()).isEqualTo("jdbc");
        JsonNode drop = events.get(1);
        assertThat(drop.at("/decision/effect").asText()).isEqualTo("deny");
        assertThat(drop.at("/decision/rule").asText()).isEqualTo("no-destructive-ddl");
        assertThat(drop.at("/outcome/status").asText()).isEqualTo("denied");
        JsonNode update = events.get(2);
        assertThat(update.at("/outcome/rows").asLong()).isEqualTo(1);
        assertThat(update.at("/decision/rule").asText()).isEqualTo("support-order-writes");
        JsonNode failed = events.get(3);
        assertThat(failed.at("/decision/effect").asText()).isEqualTo("allow");
        assertThat(failed.at("/outcome/status").asText()).isEqualTo("error");
        assertThat(failed.at("/outcome/error").asText()).isNotEmpty();
    }
}
