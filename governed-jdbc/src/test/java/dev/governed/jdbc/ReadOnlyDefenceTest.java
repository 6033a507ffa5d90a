package dev.governed.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.governed.core.Governed;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Writes attempted by a caller whose policy allows only reads on public.* plus transaction control
 * ({@code policies/read-only.yaml}): user functions reached through a built-in's name or attribute
 * notation, sequences, row locks, database-wide settings. Each must be refused and leave the
 * database as it was. Subclasses run them on H2 and PostgreSQL and add the dialect's own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ReadOnlyDefenceTest {

    static final String POLICY = "classpath:policies/read-only.yaml";

    GovernedFixture fixture;
    String rawUrl;
    private String baseline;

    abstract String newDatabaseUrl() throws Exception;

    abstract Properties targetProperties();

    /** Functions that write, sequences: through the raw driver, after the common schema. */
    abstract void prepare(Connection raw) throws SQLException;

    /** Attack texts only this database understands. */
    abstract Stream<String> dialectAttacks();

    /** Everything a write could change: the rows of every table, and the sequence. */
    abstract String snapshot(Statement raw) throws SQLException;

    @BeforeAll
    void setUp() throws Exception {
        fixture = new GovernedFixture();
        rawUrl = newDatabaseUrl();
        try (Connection raw = raw()) {
            GovernedFixture.createSchema(raw);
            try (Statement statement = raw.createStatement()) {
                statement.execute("CREATE TABLE audit_trail (note VARCHAR(100))");
                statement.execute("CREATE SEQUENCE order_seq");
            }
            prepare(raw);
        }
        baseline = snapshot();
    }

    @AfterAll
    void tearDown() {
        fixture.close();
    }

    @BeforeEach
    void databaseUnchangedByEarlierTests() throws SQLException {
        assertThat(snapshot()).as("a previous test changed the database").isEqualTo(baseline);
    }

    Connection raw() throws SQLException {
        return DriverManager.getConnection(rawUrl, targetProperties());
    }

    String snapshot() throws SQLException {
        try (Connection raw = raw(); Statement statement = raw.createStatement()) {
            return snapshot(statement);
        }
    }

    String analystToken() {
        return fixture.idp.token().subject("agent:analyst").groups("analysts").sign();
    }

    String writerToken() {
        return fixture.idp.token().subject("agent:writer").groups("writers").sign();
    }

    Properties governedProperties(String token) {
        Properties properties = token == null ? fixture.properties() : fixture.properties(token);
        properties.setProperty("governed.policy", POLICY);
        properties.putAll(targetProperties());
        return properties;
    }

    Connection governed(String token) throws SQLException {
        return DriverManager.getConnection(GovernedFixture.governedUrl(rawUrl), governedProperties(token));
    }

    Connection analyst() throws SQLException {
        return governed(analystToken());
    }

    static void drain(Statement statement, String sql) throws SQLException {
        boolean hasResult = statement.execute(sql);
        while (hasResult || statement.getUpdateCount() != -1) {
            if (hasResult) {
                try (ResultSet rows = statement.getResultSet()) {
                    while (rows.next()) {
                        rows.getObject(1);
                    }
                }
            }
            hasResult = statement.getMoreResults();
        }
    }

    /** Refused by Governed (42501) or, under it, by the database's read-only transaction (25006). */
    static void assertRefused(Throwable thrown) {
        assertThat(thrown).as("this write must be refused, but it ran").isInstanceOf(SQLException.class);
        assertThat(((SQLException) thrown).getSQLState()).as(thrown.getMessage()).isIn("42501", "25006");
    }

    // ---------------------------------------------------------------- attacks on both databases

    static Stream<String> commonAttacks() {
        return Stream.of(
                // A sequence advanced by a query.
                "SELECT NEXT VALUE FOR order_seq",
                "SELECT id, NEXT VALUE FOR order_seq FROM orders",
                // A row lock is a write.
                "SELECT * FROM orders FOR UPDATE",
                "SELECT * FROM orders WHERE id = 10 FOR UPDATE",
                // A user function that inserts, by its own name, inside expressions and subqueries.
                "SELECT touch_orders()",
                "SELECT * FROM orders WHERE id = touch_orders()",
                "SELECT (SELECT touch_orders()) FROM orders",
                // Qualified by a schema that is not the vendor's: never the built-in.
                "SELECT public.touch_orders()",
                // The same call in every other place an expression can stand.
                "VALUES (touch_orders())",
                "SELECT * FROM (SELECT touch_orders() AS n) t",
                "SELECT CASE WHEN 1 = 1 THEN touch_orders() END",
                "SELECT COALESCE(NULL, touch_orders())",
                "SELECT * FROM orders ORDER BY touch_orders()",
                "SELECT id FROM orders GROUP BY id HAVING touch_orders() = 1",
                "SELECT * FROM orders FETCH FIRST (SELECT touch_orders()) ROWS ONLY",
                "SELECT * FROM orders WHERE EXISTS (SELECT 1 FROM orders i WHERE i.id = touch_orders())",
                "WITH t AS (SELECT touch_orders() AS n) SELECT n FROM t",
                "SELECT id FROM orders UNION SELECT touch_orders()",
                "EXPLAIN ANALYZE SELECT touch_orders()",
                // Statements that change data or schema outright.
                "TRUNCATE TABLE audit_trail",
                "COMMENT ON TABLE orders IS 'x'",
                "CREATE LOCAL TEMPORARY TABLE probe (x INT)",
                "EXPLAIN ANALYZE DELETE FROM audit_trail",
                "SELECT NEXT VALUE FOR order_seq FROM orders WHERE 1 = 0 UNION SELECT 1");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("commonAttacks")
    void commonWriteThroughAReadIsRefused(String sql) throws Exception {
        try (Connection connection = analyst(); Statement statement = connection.createStatement()) {
            assertRefused(catchThrowable(() -> drain(statement, sql)));
        }
        assertThat(snapshot()).isEqualTo(baseline);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dialectAttacks")
    void dialectWriteThroughAReadIsRefused(String sql) throws Exception {
        try (Connection connection = analyst(); Statement statement = connection.createStatement()) {
            assertRefused(catchThrowable(() -> drain(statement, sql)));
        }
        assertThat(snapshot()).isEqualTo(baseline);
    }

    /** The same texts prepared: the decision at execution holds too. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("commonAttacks")
    void preparedWriteThroughAReadIsRefused(String sql) throws Exception {
        try (Connection connection = analyst()) {
            assertRefused(catchThrowable(() -> {
                try (var prepared = connection.prepareStatement(sql); ResultSet rows = prepared.executeQuery()) {
                    rows.next();
                }
            }));
        }
        assertThat(snapshot()).isEqualTo(baseline);
    }

    /** Ordinary reads stay allowed: the defences must not deny what the policy allows. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("allowedReads")
    void ordinaryReadsRun(String sql) throws Exception {
        try (Connection connection = analyst(); Statement statement = connection.createStatement()) {
            drain(statement, sql);
        }
    }

    abstract Stream<String> allowedReads();

    /** A writer's writes still run, and a sequence it may advance advances. */
    @Test
    void writerMayWriteAndAdvanceTheSequence() throws Exception {
        try (Connection connection = governed(writerToken()); Statement statement = connection.createStatement()) {
            statement.executeUpdate("INSERT INTO audit_trail VALUES ('writer')");
            drain(statement, "SELECT nextval('order_seq')");
            statement.executeUpdate("DELETE FROM audit_trail WHERE note = 'writer'");
        } finally {
            resetSequence();
        }
    }

    /** Puts the sequence back where the baseline has it, after a test that advanced it on purpose. */
    abstract void resetSequence() throws SQLException;

    /** A pooled connection serves a writer, then a reader, then the writer again: each gets what its policy allows. */
    @Test
    void callersTakingTurnsOnOneConnectionEachGetTheirOwnMode() throws Exception {
        try (Connection connection = governed(null); Statement statement = connection.createStatement()) {
            Governed.runAs(writerToken(), () -> statement.executeUpdate("INSERT INTO audit_trail VALUES ('turn')"));
            Governed.runAs(analystToken(), () -> {
                drain(statement, "SELECT count(*) FROM audit_trail");
                return null;
            });
            assertRefused(catchThrowable(() -> Governed.runAs(analystToken(), () -> {
                drain(statement, "SELECT touch_orders()");
                return null;
            })));
            Governed.runAs(writerToken(), () -> statement.executeUpdate("DELETE FROM audit_trail WHERE note = 'turn'"));
        }
    }

    static List<String> list(String... items) {
        return List.of(items);
    }
}
