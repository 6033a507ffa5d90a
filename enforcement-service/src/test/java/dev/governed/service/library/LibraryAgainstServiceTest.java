package dev.governed.service.library;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.governed.core.Governed;
import dev.governed.jdbc.GovernedDataSource;
import dev.governed.jdbc.PolicyDeniedException;
import dev.governed.jdbc.PolicyUnavailableException;
import dev.governed.service.ServiceFixture;
import dev.governed.testsupport.TestIdentityProvider;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The library end to end against the real enforcement service: policies fetched per
 * caller and signed, changes propagated, outages survived within the staleness limit,
 * and service-mode connections whose agent never holds the database password.
 */
class LibraryAgainstServiceTest {

    private static final String POLICY = """
            version: %d
            defaults: { effect: deny }
            rules:
              - id: support-read
                when: { groups: [support-agents], resources: [orders-db] }
                sql: { operations: [select], tables: [public.orders] }
                effect: %s
              - id: dba-all
                when: { groups: [dba], resources: [orders-db] }
                sql: { operations: [select, insert, update, delete] }
                effect: allow
              - id: no-destructive-ddl
                sql: { operations: [drop, truncate] }
                effect: deny
                reason: destructive DDL is never allowed
            """;

    @TempDir
    Path dir;
    private TestIdentityProvider idp;
    private ServiceFixture service;
    private String rawUrl;
    private Path policyKeys;

    @BeforeEach
    void start() throws Exception {
        idp = TestIdentityProvider.served();
        service = ServiceFixture.start(idp, false, b -> b.dataDir(dir.resolve("service")));
        push(1, "allow");
        HttpResponse<String> keys = service.get("/v1/keys", null);
        assertThat(keys.statusCode()).isEqualTo(200);
        policyKeys = Files.writeString(dir.resolve("policy-keys.json"), keys.body());
        rawUrl = "jdbc:h2:mem:" + UUID.randomUUID().toString().replace("-", "") + ";DB_CLOSE_DELAY=-1";
        try (Connection raw = DriverManager.getConnection(rawUrl, "sa", "db-secret");
                Statement statement = raw.createStatement()) {
            statement.execute("CREATE TABLE orders (id INT PRIMARY KEY, status VARCHAR(20))");
            statement.execute("CREATE TABLE secrets (id INT PRIMARY KEY, secret VARCHAR(20))");
            statement.execute("INSERT INTO orders VALUES (1, 'open'), (2, 'open')");
            statement.execute("INSERT INTO secrets VALUES (1, 'launch codes')");
        }
    }

    @AfterEach
    void stop() {
        if (service != null) {
            service.close();
        }
        idp.close();
    }

    private void push(int version, String supportEffect) {
        HttpResponse<String> response = service.post("/v1/policies?activate=true", service.admin(),
                "application/yaml", POLICY.formatted(version, supportEffect));
        assertThat(response.statusCode()).as(response.body()).isIn(200, 201);
    }

    private Properties properties(String token) {
        Properties result = new Properties();
        result.setProperty("user", "sa");
        result.setProperty("password", "db-secret");
        result.setProperty("governed.policy", service.service.baseUri().toString());
        result.setProperty("governed.policy.key", policyKeys.toString());
        result.setProperty("governed.policy.refresh", "200ms");
        result.setProperty("governed.resource", "orders-db");
        result.setProperty("governed.jwks", idp.jwksUri().toString());
        result.setProperty("governed.issuer", idp.issuer());
        result.setProperty("governed.audience", idp.audience());
        result.setProperty("governed.audit", "jsonl:" + dir.resolve("audit-" + UUID.randomUUID() + ".jsonl"));
        if (token != null) {
            result.setProperty("governed.token", token);
        }
        return result;
    }

    private String governedUrl() {
        return "jdbc:governed:" + rawUrl.substring("jdbc:".length());
    }

    private String support() {
        return idp.token().subject("agent:support").groups("support-agents").sign();
    }

    private String dba() {
        return idp.token().subject("dave").groups("dba").sign();
    }

    private static boolean allowed(Statement statement, String sql) throws SQLException {
        try (ResultSet ignored = statement.executeQuery(sql)) {
            return true;
        } catch (PolicyDeniedException denied) {
            return false;
        }
    }

    @Test
    void decisionsComeFromTheServicesSignedPolicyForEachCaller() throws Exception {
        try (Connection connection = DriverManager.getConnection(governedUrl(), properties(support()));
                Statement statement = connection.createStatement()) {
            assertThat(allowed(statement, "SELECT * FROM orders")).isTrue();
            assertThat(allowed(statement, "SELECT * FROM secrets")).isFalse();
            assertThatThrownBy(() -> statement.execute("DROP TABLE orders"))
                    .isInstanceOf(PolicyDeniedException.class)
                    .hasMessageContaining("no-destructive-ddl");
            assertThat(Governed.runAs(dba(), () -> allowed(statement, "SELECT * FROM secrets"))).isTrue();
        }
    }

    @Test
    void aPolicyChangeReachesARunningClientWithinTheRefreshInterval() throws Exception {
        try (Connection connection = DriverManager.getConnection(governedUrl(), properties(support()));
                Statement statement = connection.createStatement()) {
            assertThat(allowed(statement, "SELECT * FROM orders")).isTrue();
            push(2, "deny");
            long pushed = System.nanoTime();
            while (allowed(statement, "SELECT * FROM orders")) {
                assertThat(System.nanoTime() - pushed).as("propagation").isLessThan(5_000_000_000L);
                Thread.sleep(10);
            }
            long millis = (System.nanoTime() - pushed) / 1_000_000;
            System.out.println("Governed policy propagation: " + millis + " ms with governed.policy.refresh=200ms");
        }
    }

    @Test
    void anOutageIsBridgedUntilMaxStaleThenStatementsFailThenRecoverWhenTheServiceReturns() throws Exception {
        Properties properties = properties(support());
        properties.setProperty("governed.policy.maxStale", "1500ms");
        int port = service.service.port();
        try (Connection connection = DriverManager.getConnection(governedUrl(), properties);
                Statement statement = connection.createStatement()) {
            assertThat(allowed(statement, "SELECT * FROM orders")).isTrue();
            service.close();
            service = null;
            assertThat(allowed(statement, "SELECT * FROM orders")).as("last good policy bridges the outage").isTrue();
            Thread.sleep(2_000);
            assertThatThrownBy(() -> statement.executeQuery("SELECT * FROM orders"))
                    .isInstanceOf(PolicyUnavailableException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("08G01"));
            service = ServiceFixture.start(idp, false, b -> b.dataDir(dir.resolve("service")).port(port));
            long restarted = System.nanoTime();
            while (true) {
                try {
                    assertThat(allowed(statement, "SELECT * FROM orders")).isTrue();
                    break;
                } catch (PolicyUnavailableException stillStale) {
                    assertThat(System.nanoTime() - restarted).isLessThan(5_000_000_000L);
                    Thread.sleep(50);
                }
            }
        }
    }

    @Test
    void twoAgentsThroughOnePoolEachGetTheirOwnRemotePolicy() throws Exception {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(rawUrl);
        config.setUsername("sa");
        config.setPassword("db-secret");
        config.setMaximumPoolSize(4);
        Properties settings = properties(null);
        GovernedDataSource.Builder builder = GovernedDataSource.wrap(new HikariDataSource(config));
        settings.stringPropertyNames().stream().filter(key -> key.startsWith("governed."))
                .forEach(key -> builder.property(key, settings.getProperty(key)));
        String support = support();
        String dba = dba();
        try (GovernedDataSource pool = builder.build()) {
            ExecutorService threads = Executors.newFixedThreadPool(8);
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                boolean asDba = i % 2 == 0;
                results.add(threads.submit(() -> Governed.runAs(asDba ? dba : support, () -> {
                    try (Connection connection = pool.getConnection();
                            Statement statement = connection.createStatement()) {
                        return allowed(statement, "SELECT secret FROM secrets") == asDba;
                    }
                })));
            }
            for (Future<Boolean> each : results) {
                assertThat(each.get()).isTrue();
            }
            threads.shutdown();
        }
    }

    @Test
    void serviceModeConnectsWithCredentialsTheAgentNeverHeld() throws Exception {
        HttpResponse<String> created = service.putJson("/v1/connections/orders-db", service.admin(), """
                {"url": "%s", "user": "sa", "password": "db-secret", "credentials": "static", "allowed": {"groups": ["support-agents"]}}"""
                .formatted(rawUrl));
        assertThat(created.statusCode()).as(created.body()).isIn(200, 201);
        Properties agent = properties(support());
        agent.remove("user");
        agent.remove("password");
        agent.remove("governed.policy");
        agent.remove("governed.resource");
        String url = "jdbc:governed://127.0.0.1:" + service.service.port() + "/orders-db";
        try (Connection connection = DriverManager.getConnection(url, agent);
                Statement statement = connection.createStatement()) {
            assertThat(allowed(statement, "SELECT * FROM orders")).isTrue();
            assertThat(allowed(statement, "SELECT * FROM secrets")).isFalse();
        }
        Properties stranger = properties(idp.token().subject("agent:other").groups("billing").sign());
        stranger.remove("password");
        assertThatThrownBy(() -> DriverManager.getConnection(url, stranger))
                .isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("28000"))
                .hasMessageContaining("may not use connection");
    }
}
