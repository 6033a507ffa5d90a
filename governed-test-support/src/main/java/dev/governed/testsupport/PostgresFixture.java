package dev.governed.testsupport;

import org.postgresql.ds.PGSimpleDataSource;

import javax.sql.DataSource;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * A real PostgreSQL 17 server shared by all test classes of a JVM: started lazily on first use (about 1 s), stopped
 * and deleted at JVM exit. Each test class takes its own database so tests cannot interfere:
 * <pre>{@code
 * static final DataSource DB = PostgresFixture.shared().newDatabase("orders_test");
 * }</pre>
 * Works as root (the server then runs as {@code nobody}) and as any other user, with nothing to install beyond a JDK.
 * There is deliberately no {@code isAvailable()}: when the server cannot start, {@link #shared()} throws with the
 * reason and what to do, so tests fail rather than pass by skipping.
 */
public final class PostgresFixture {

    private static final Pattern DATABASE_NAME = Pattern.compile("[a-z][a-z0-9_]{0,62}");
    private static final String DUPLICATE_DATABASE = "42P04";
    private static final Object LOCK = new Object();
    private static PostgresFixture shared;
    private static IllegalStateException startFailure;

    private final PostgresServer server;
    private final AtomicInteger generatedNames = new AtomicInteger();

    private PostgresFixture(PostgresServer server) {
        this.server = server;
    }

    /** The JVM-wide server, started on the first call; later calls return it at once (or rethrow its failure). */
    public static PostgresFixture shared() {
        synchronized (LOCK) {
            if (shared != null) {
                return shared;
            }
            if (startFailure == null) {
                try {
                    shared = new PostgresFixture(PostgresServer.start(workRoot()));
                    return shared;
                } catch (IOException | RuntimeException failure) {
                    startFailure = new IllegalStateException("The embedded PostgreSQL test server could not start: "
                            + failure.getMessage(), failure);
                }
            }
            // A fresh exception per caller, so each failing test class shows its own stack.
            throw new IllegalStateException(startFailure.getMessage(), startFailure);
        }
    }

    /** The {@code postgres} maintenance database, as superuser; prefer {@link #newDatabase(String)} for test data. */
    public DataSource dataSource() {
        return dataSource("postgres");
    }

    /** A data source on an existing database, as superuser. */
    public DataSource dataSource(String database) {
        PGSimpleDataSource result = new PGSimpleDataSource();
        result.setServerNames(new String[] {host()});
        result.setPortNumbers(new int[] {port()});
        result.setDatabaseName(database);
        result.setUser(user());
        result.setPassword(password());
        return result;
    }

    /**
     * Creates the empty database {@code name} and returns a data source on it.
     *
     * @throws IllegalArgumentException if the name is not a plain lower-case SQL identifier
     * @throws IllegalStateException    if the database already exists (another test class chose the same name)
     */
    public DataSource newDatabase(String name) {
        if (!DATABASE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("Database name '" + name + "' is not a plain identifier; use 1-63"
                    + " characters from [a-z0-9_], starting with a letter.");
        }
        try (Connection connection = dataSource().getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException failure) {
            if (DUPLICATE_DATABASE.equals(failure.getSQLState())) {
                throw new IllegalStateException("Database '" + name + "' already exists on the shared PostgreSQL test"
                        + " server; give each test class its own name, or call newDatabase() for a generated one.", failure);
            }
            throw new IllegalStateException("Could not create database '" + name + "': " + failure.getMessage(), failure);
        }
        return dataSource(name);
    }

    /** Creates an empty database with a generated, never-repeated name. */
    public DataSource newDatabase() {
        return newDatabase("test_" + generatedNames.incrementAndGet());
    }

    /** The JDBC URL of {@code database}, without credentials (see {@link #user()}, {@link #password()}). */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host() + ":" + port() + "/" + database;
    }

    public String user() {
        return PostgresServer.SUPERUSER;
    }

    public String password() {
        return PostgresServer.PASSWORD;
    }

    public String host() {
        return PostgresServer.HOST;
    }

    public int port() {
        return server.port();
    }

    @Override
    public String toString() {
        return "PostgresFixture[" + host() + ":" + port() + ", server runs as " + server.account() + "]";
    }

    private static Path workRoot() {
        String user = System.getProperty("user.name", "user").replaceAll("[^A-Za-z0-9_.-]", "_");
        return Path.of(System.getProperty("java.io.tmpdir"), "governed-postgres-" + user);
    }
}
