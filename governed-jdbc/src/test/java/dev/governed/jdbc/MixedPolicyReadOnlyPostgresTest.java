package dev.governed.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.governed.testsupport.PostgresFixture;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A caller who may write some tables (clerks: read public.*, insert into public.orders) reads
 * through a view whose definition calls a function that inserts: the analysis sees a SELECT of
 * public.touching, which the policy allows, so only the database can stop the write. Each
 * autocommit read runs read-only there, and fails with 25006; the caller's writes, transactions,
 * lazy result sets and failures behave as without the defence.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MixedPolicyReadOnlyPostgresTest {

    private static final PostgresFixture POSTGRES = PostgresFixture.shared();
    private static final String WRITING_VIEW = "SELECT * FROM touching";

    private GovernedFixture fixture;
    private String rawUrl;

    @BeforeAll
    void setUp() throws SQLException {
        fixture = new GovernedFixture();
        POSTGRES.newDatabase("mixed_policy");
        rawUrl = POSTGRES.jdbcUrl("mixed_policy");
        try (Connection raw = raw(); Statement statement = raw.createStatement()) {
            GovernedFixture.createSchema(raw);
            statement.execute("CREATE TABLE audit_trail (note VARCHAR(100))");
            statement.execute("CREATE FUNCTION touch_orders() RETURNS int LANGUAGE sql VOLATILE AS"
                    + " $$ INSERT INTO audit_trail VALUES ('touched'); SELECT 1 $$");
            statement.execute("CREATE VIEW touching AS SELECT touch_orders() AS t");
            statement.execute("CREATE TABLE lines (id INT PRIMARY KEY, label TEXT)");
            statement.execute("INSERT INTO lines SELECT g, 'line ' || g FROM generate_series(1, 1000) g");
        }
    }

    @AfterAll
    void tearDown() {
        fixture.close();
    }

    @AfterEach
    void removeInsertedRows() throws SQLException {
        int hiddenWrites = auditTrail();
        try (Connection raw = raw(); Statement statement = raw.createStatement()) {
            statement.execute("DELETE FROM orders WHERE id >= 100");
            statement.execute("DELETE FROM audit_trail");
        }
        assertThat(hiddenWrites).as("a write hidden in a read changed data").isZero();
    }

    @Test
    void aViewOverAWritingFunctionFailsAtTheDatabase() throws Exception {
        try (Connection connection = clerk(); Statement statement = connection.createStatement()) {
            assertReadOnlyRefusal(catchThrowable(() -> read(statement, WRITING_VIEW)));
        }
    }

    @Test
    void aPreparedReadOfTheViewFailsEveryTime() throws Exception {
        try (Connection connection = clerk(); PreparedStatement view = connection.prepareStatement(WRITING_VIEW);
                PreparedStatement insert = connection.prepareStatement("INSERT INTO orders VALUES (?, 1, 5.00, 'new')")) {
            for (int i = 0; i < 3; i++) {
                assertReadOnlyRefusal(catchThrowable(view::executeQuery));
                insert.setInt(1, 100 + i);
                assertThat(insert.executeUpdate()).isEqualTo(1);
            }
        }
        assertThat(orders()).isEqualTo(3);
    }

    @Test
    void theAllowedInsertWorksBeforeAndAfter() throws Exception {
        try (Connection connection = clerk(); Statement statement = connection.createStatement()) {
            assertThat(statement.executeUpdate("INSERT INTO orders VALUES (100, 1, 5.00, 'new')")).isEqualTo(1);
            assertReadOnlyRefusal(catchThrowable(() -> read(statement, WRITING_VIEW)));
            assertThat(read(statement, "SELECT * FROM orders")).isEqualTo(4);
            assertThat(statement.executeUpdate("INSERT INTO orders VALUES (101, 1, 6.00, 'new')",
                    Statement.RETURN_GENERATED_KEYS)).isEqualTo(1);
            try (ResultSet keys = statement.getGeneratedKeys()) {
                assertThat(keys.next()).isTrue();
                assertThat(keys.getInt("id")).isEqualTo(101);
            }
            assertReadOnlyRefusal(catchThrowable(() -> read(statement, WRITING_VIEW)));
        }
        assertThat(orders()).isEqualTo(2);
    }

    @Test
    void aLazyResultSetIsReadCompletely() throws Exception {
        try (Connection connection = clerk(); Statement statement = connection.createStatement()) {
            statement.setFetchSize(50);
            assertThat(read(statement, "SELECT * FROM lines ORDER BY id")).isEqualTo(1000);
            connection.setAutoCommit(false); // the driver now fetches 50 rows at a time through a portal
            try (ResultSet rows = statement.executeQuery("SELECT * FROM lines ORDER BY id")) {
                int count = 0;
                while (rows.next()) {
                    count++;
                    if (count == 500) {
                        try (Statement other = connection.createStatement()) {
                            other.executeUpdate("INSERT INTO orders VALUES (100, 1, 5.00, 'mid-read')");
                        }
                    }
                }
                assertThat(count).isEqualTo(1000);
            }
            connection.commit();
        }
        assertThat(orders()).isEqualTo(1);
    }

    @Test
    void aFailingReadLeavesTheConnectionUsable() throws Exception {
        try (Connection connection = clerk(); Statement statement = connection.createStatement()) {
            Throwable thrown = catchThrowable(() -> read(statement, "SELECT 1 / (id - id) FROM orders"));
            assertThat(thrown).isInstanceOf(SQLException.class);
            assertThat(((SQLException) thrown).getSQLState()).isEqualTo("22012");
            assertThat(read(statement, "SELECT * FROM orders")).isEqualTo(3);
            assertThat(statement.executeUpdate("INSERT INTO orders VALUES (100, 1, 5.00, 'new')")).isEqualTo(1);
            assertReadOnlyRefusal(catchThrowable(() -> read(statement, WRITING_VIEW)));
            assertThat(read(statement, "SELECT * FROM orders")).isEqualTo(4);
        }
    }

    /** Reads first, then a write, in one transaction the caller opens: it must start read-write. */
    @Test
    void aTransactionThatReadsFirstMayStillWrite() throws Exception {
        try (Connection connection = clerk(); Statement statement = connection.createStatement()) {
            read(statement, "SELECT * FROM orders"); // the session is now read-only
            connection.setAutoCommit(false);
            read(statement, "SELECT * FROM orders");
            statement.executeUpdate("INSERT INTO orders VALUES (100, 1, 5.00, 'new')");
            connection.commit();
            connection.setAutoCommit(true);
            assertReadOnlyRefusal(catchThrowable(() -> read(statement, WRITING_VIEW)));

            read(statement, "SELECT * FROM orders");
            statement.execute("BEGIN");
            read(statement, "SELECT * FROM orders");
            statement.executeUpdate("INSERT INTO orders VALUES (101, 1, 5.00, 'new')");
            statement.execute("COMMIT");
            assertReadOnlyRefusal(catchThrowable(() -> read(statement, WRITING_VIEW)));
        }
        assertThat(orders()).isEqualTo(2);
    }

    /** A rollback undoes the switch to read-write made inside the transaction; the next write still runs. */
    @Test
    void aRolledBackTransactionLeavesTheNextWriteWritable() throws Exception {
        try (Connection connection = clerk(); Statement statement = connection.createStatement()) {
            read(statement, "SELECT * FROM orders");
            connection.setAutoCommit(false);
            read(statement, "SELECT * FROM orders");
            connection.rollback();
            connection.setAutoCommit(true);
            assertThat(statement.executeUpdate("INSERT INTO orders VALUES (100, 1, 5.00, 'new')")).isEqualTo(1);
            assertReadOnlyRefusal(catchThrowable(() -> read(statement, WRITING_VIEW)));
        }
        assertThat(orders()).isEqualTo(1);
    }

    /** A batch is decided entry by entry and runs as one: a read entry last must not make it read-only. */
    @Test
    void aBatchWithAWriteRunsReadWrite() throws Exception {
        try (Connection connection = clerk(); Statement statement = connection.createStatement()) {
            read(statement, "SELECT * FROM orders");
            statement.addBatch("INSERT INTO orders VALUES (100, 1, 5.00, 'new')");
            statement.addBatch("INSERT INTO orders VALUES (101, 1, 5.00, 'new')");
            statement.addBatch("SET application_name = 'clerk'");
            statement.executeBatch();
            assertReadOnlyRefusal(catchThrowable(() -> read(statement, WRITING_VIEW)));
        }
        assertThat(orders()).isEqualTo(2);
    }

    private Connection clerk() throws SQLException {
        Properties properties = fixture.properties(fixture.idp.token().subject("agent:clerk").groups("clerks").sign());
        properties.setProperty("governed.policy", "classpath:policies/mixed.yaml");
        properties.setProperty("user", POSTGRES.user());
        properties.setProperty("password", POSTGRES.password());
        return DriverManager.getConnection(GovernedFixture.governedUrl(rawUrl), properties);
    }

    private Connection raw() throws SQLException {
        return DriverManager.getConnection(rawUrl, POSTGRES.user(), POSTGRES.password());
    }

    private static int read(Statement statement, String sql) throws SQLException {
        int count = 0;
        try (ResultSet rows = statement.executeQuery(sql)) {
            while (rows.next()) {
                count++;
            }
        }
        return count;
    }

    private static void assertReadOnlyRefusal(Throwable thrown) {
        assertThat(thrown).as("the write hidden in the view ran").isInstanceOf(SQLException.class);
        assertThat(((SQLException) thrown).getSQLState()).as(thrown.getMessage()).isEqualTo("25006");
    }

    private int auditTrail() throws SQLException {
        try (Connection raw = raw(); Statement statement = raw.createStatement()) {
            return read(statement, "SELECT * FROM audit_trail");
        }
    }

    private int orders() throws SQLException {
        try (Connection raw = raw(); Statement statement = raw.createStatement()) {
            return read(statement, "SELECT * FROM orders WHERE id >= 100");
        }
    }
}
