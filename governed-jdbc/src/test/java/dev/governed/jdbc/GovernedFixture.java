package dev.governed.jdbc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.governed.testsupport.TestIdentityProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * One governed test setup: a test identity provider and its JWKS file, the
 * orders policy, and a fresh audit file, so tests never share evidence.
 */
final class GovernedFixture implements AutoCloseable {

    static final String POLICY = "classpath:policies/orders.yaml";
    private static final ObjectMapper JSON = new ObjectMapper();

    final TestIdentityProvider idp = new TestIdentityProvider();
    final Path directory;
    final Path jwks;
    final Path audit;

    /** One folder per test JVM for every fixture's files, removed when the JVM exits (fixtures held in statics never close). */
    private static final Path ROOT = createRoot();

    GovernedFixture() {
        try {
            directory = Files.createTempDirectory(ROOT, "fixture");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        jwks = idp.writeJwks(directory);
        audit = directory.resolve("audit.jsonl");
    }

    String supportAgent() {
        return idp.token().subject("agent:support").groups("support-agents").sign();
    }

    String dba() {
        return idp.token().subject("alice").groups("dba").sign();
    }

    /** Connection properties with everything but a token; H2's default account, which PostgreSQL tests replace. */
    Properties properties() {
        Properties result = new Properties();
        result.setProperty("user", "sa");
        result.setProperty("password", "");
        result.setProperty("governed.policy", POLICY);
        result.setProperty("governed.jwks", jwks.toString());
        result.setProperty("governed.issuer", idp.issuer());
        result.setProperty("governed.audience", idp.audience());
        result.setProperty("governed.audit", "jsonl:" + audit);
        return result;
    }

    Properties properties(String token) {
        Properties result = properties();
        result.setProperty("governed.token", token);
        return result;
    }

    static String governedUrl(String rawUrl) {
        return "jdbc:governed:" + rawUrl.substring("jdbc:".length());
    }

    /** The audit events written so far, after flushing every governed datasource of this JVM. */
    List<JsonNode> auditEvents() {
        GovernanceRegistry.shared().flushAll();
        List<JsonNode> result = new ArrayList<>();
        if (!Files.exists(audit)) {
            return result;
        }
        try {
            for (String line : Files.readAllLines(audit)) {
                JsonNode node = JSON.readTree(line);
                if (!node.has("type")) {
                    result.add(node);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return result;
    }

    /** Creates the test schema through the raw driver, ungoverned. */
    static void createSchema(Connection raw) throws SQLException {
        try (Statement statement = raw.createStatement()) {
            statement.execute("CREATE TABLE customers (id INT PRIMARY KEY, name VARCHAR(100), email VARCHAR(100),"
                    + " ssn VARCHAR(11))");
            statement.execute("CREATE TABLE orders (id INT PRIMARY KEY, customer_id INT, amount DECIMAL(10,2),"
                    + " status VARCHAR(20))");
            statement.execute("CREATE TABLE secrets (id INT PRIMARY KEY, secret VARCHAR(100))");
            statement.execute("CREATE TABLE refunds (id INT PRIMARY KEY, order_id INT, amount DECIMAL(10,2))");
            statement.execute("INSERT INTO customers VALUES (1, 'Ada', 'ada@example.com', '123-45-6789'),"
                    + " (2, 'Grace', 'grace@example.com', '987-65-4321')");
            statement.execute("INSERT INTO orders VALUES (10, 1, 99.50, 'open'), (11, 1, 12.00, 'open'),"
                    + " (12, 2, 45.00, 'shipped')");
            statement.execute("INSERT INTO secrets VALUES (1, 'launch codes')");
        }
    }

    /** A fresh in-memory H2 database with the test schema; returns its raw URL. */
    static String newH2Database() throws SQLException {
        String url = "jdbc:h2:mem:" + java.util.UUID.randomUUID().toString().replace("-", "") + ";DB_CLOSE_DELAY=-1";
        try (Connection raw = raw(url)) {
            createSchema(raw);
        }
        return url;
    }

    static Connection raw(String url) throws SQLException {
        return DriverManager.getConnection(url, "sa", "");
    }

    @Override
    public void close() {
        idp.close();
        deleteTree(directory);
    }

    private static Path createRoot() {
        try {
            Path root = Files.createTempDirectory("governed-jdbc-test");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(root), "governed-jdbc-test-cleanup"));
            return root;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Best effort: a datasource of this JVM may still hold a file open, which Linux lets us unlink anyway. */
    private static void deleteTree(Path root) {
        try (java.util.stream.Stream<Path> walk = Files.walk(root)) {
            for (Path each : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(each);
            }
        } catch (IOException | UncheckedIOException e) {
            // nothing left, or a file appeared while deleting: the next run's temp folder is a fresh one anyway
        }
    }
}
