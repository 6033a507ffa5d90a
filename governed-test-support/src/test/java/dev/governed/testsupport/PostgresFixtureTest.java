package dev.governed.testsupport;

import com.sun.security.auth.module.UnixSystem;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PostgresFixtureTest {

    private static PostgresFixture postgres;

    @BeforeAll
    static void startServer() {
        long started = System.nanoTime();
        postgres = PostgresFixture.shared();
        System.out.printf("PostgresFixture.shared() took %d ms: %s%n", (System.nanoTime() - started) / 1_000_000, postgres);
    }

    @Test
    void sharedReturnsTheSameRunningServer() {
        assertThat(PostgresFixture.shared()).isSameAs(postgres);
    }

    @Test
    void newDatabaseStoresAndReturnsRows() throws SQLException {
        DataSource database = postgres.newDatabase("fixture_round_trip");

        try (Connection connection = database.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE customer (id int PRIMARY KEY, email text NOT NULL)");
            statement.execute("INSERT INTO customer VALUES (1, 'ada@example.com'), (2, 'alan@example.com')");
            assertThat(rows(statement, "SELECT email FROM customer ORDER BY id"))
                    .containsExactly("ada@example.com", "alan@example.com");
            assertThat(rows(statement, "SELECT current_database()")).containsExactly("fixture_round_trip");
        }
    }

    @Test
    void tablesInOneDatabaseAreInvisibleInAnother() throws SQLException {
        DataSource first = postgres.newDatabase();
        DataSource second = postgres.newDatabase();
        try (Connection connection = first.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE only_in_first (id int)");
        }

        try (Connection connection = second.getConnection(); Statement statement = connection.createStatement()) {
            assertThatThrownBy(() -> statement.executeQuery("SELECT * FROM only_in_first"))
                    .isInstanceOf(SQLException.class)
                    .extracting(failure -> ((SQLException) failure).getSQLState()).isEqualTo("42P01");
        }
    }

    @Test
    void jdbcUrlConnectsWithTheFixtureCredentials() throws SQLException {
        postgres.newDatabase("fixture_url");

        try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl("fixture_url"), postgres.user(), postgres.password());
             Statement statement = connection.createStatement()) {
            assertThat(rows(statement, "SELECT current_database() || ' ' || current_user"))
                    .containsExactly("fixture_url " + postgres.user());
        }
    }

    @Test
    void wrongPasswordIsRejected() {
        assertThatThrownBy(() -> DriverManager.getConnection(postgres.jdbcUrl("postgres"), postgres.user(), "not-the-password"))
                .isInstanceOf(SQLException.class)
                .extracting(failure -> ((SQLException) failure).getSQLState()).isEqualTo("28P01");
    }

    @Test
    void newDatabaseRefusesANameAlreadyTaken() {
        postgres.newDatabase("fixture_taken");

        assertThatThrownBy(() -> postgres.newDatabase("fixture_taken"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already exists");
    }

    @Test
    void newDatabaseRefusesNamesThatAreNotPlainIdentifiers() throws SQLException {
        assertThatThrownBy(() -> postgres.newDatabase("x; DROP DATABASE postgres"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> postgres.newDatabase("Upper"))
                .isInstanceOf(IllegalArgumentException.class);
        try (Connection connection = postgres.dataSource().getConnection(); Statement statement = connection.createStatement()) {
            assertThat(rows(statement, "SELECT 1 FROM pg_database WHERE datname = 'postgres'")).containsExactly("1");
        }
    }

    @Test
    void serverListensOnLoopbackTcpOnly() throws SQLException {
        try (Connection connection = postgres.dataSource().getConnection(); Statement statement = connection.createStatement()) {
            assertThat(rows(statement, "SHOW listen_addresses")).containsExactly("127.0.0.1");
            assertThat(rows(statement, "SHOW unix_socket_directories")).containsExactly("");
            assertThat(rows(statement, "SHOW port")).containsExactly(String.valueOf(postgres.port()));
        }
    }

    @Test
    void serverNeverRunsAsRoot() throws Exception {
        long postmasterPid;
        try (Connection connection = postgres.dataSource().getConnection(); Statement statement = connection.createStatement()) {
            Path pidFile = Path.of(rows(statement, "SHOW data_directory").get(0), "postmaster.pid");
            postmasterPid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
        }

        Object owner = Files.getAttribute(Path.of("/proc", String.valueOf(postmasterPid)), "unix:uid");
        long jvmUid = new UnixSystem().getUid();
        if (jvmUid == 0) {
            assertThat(owner).isNotEqualTo(0);
        } else {
            assertThat(owner).isEqualTo((int) jvmUid);
        }
    }

    private static List<String> rows(Statement statement, String query) throws SQLException {
        List<String> result = new ArrayList<>();
        try (ResultSet rows = statement.executeQuery(query)) {
            while (rows.next()) {
                result.add(rows.getString(1));
            }
        }
        return result;
    }
}
