package dev.governed.bench;

import dev.governed.testsupport.TestIdentityProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/** An H2 database with a customers table, and the settings to govern it. */
final class BenchDatabase implements AutoCloseable {

    static final int CUSTOMERS = 1_000;
    final String rawUrl;
    final Path work;
    private final TestIdentityProvider idp = new TestIdentityProvider();
    private final Connection keepAlive;

    BenchDatabase(String name) throws SQLException, IOException {
        rawUrl = "jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1";
        work = Files.createTempDirectory("governed-bench");
        keepAlive = DriverManager.getConnection(rawUrl, "sa", "");
        try (Statement statement = keepAlive.createStatement()) {
            statement.execute("CREATE TABLE customers (id INT PRIMARY KEY, name VARCHAR(50), email VARCHAR(80),"
                    + " ssn VARCHAR(11), phone VARCHAR(20))");
        }
        try (PreparedStatement insert = keepAlive.prepareStatement("INSERT INTO customers VALUES (?, ?, ?, ?, ?)")) {
            for (int id = 0; id < CUSTOMERS; id++) {
                insert.setInt(1, id);
                insert.setString(2, "customer " + id);
                insert.setString(3, "c" + id + "@example.com");
                insert.setString(4, String.format("%03d-%02d-%04d", id % 1000, id % 100, id));
                insert.setString(5, "+1 555 " + id);
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    Connection raw() throws SQLException {
        return DriverManager.getConnection(rawUrl, "sa", "");
    }

    Connection governed() throws SQLException {
        return governed(governedProperties());
    }

    /** A governed connection with these settings (start from {@link #governedProperties()}). */
    Connection governed(Properties properties) throws SQLException {
        return DriverManager.getConnection("jdbc:governed:" + rawUrl.substring("jdbc:".length()), properties);
    }

    Properties governedProperties() {
        Properties result = new Properties();
        result.setProperty("user", "sa");
        result.setProperty("password", "");
        result.setProperty("governed.policy", "classpath:bench-policy.yaml");
        result.setProperty("governed.jwks", idp.writeJwks(work).toString());
        result.setProperty("governed.issuer", idp.issuer());
        result.setProperty("governed.audience", idp.audience());
        result.setProperty("governed.audit", "jsonl:" + work.resolve("audit.jsonl"));
        result.setProperty("governed.token", idp.token().subject("agent:bench").groups("bench")
                .expiresIn(java.time.Duration.ofHours(2)).sign());
        return result;
    }

    @Override
    public void close() throws SQLException, IOException {
        keepAlive.close();
        idp.close();
        deleteRecursively(work); // audit files of a long run reach gigabytes
    }

    /** Deletes a benchmark's work folder and everything in it. */
    static void deleteRecursively(Path root) throws IOException {
        try (java.util.stream.Stream<Path> paths = Files.walk(root)) {
            for (Path each : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(each);
            }
        }
    }
}
