package dev.governed.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.governed.core.Governed;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One HikariCP pool serving several agents at once, each decided and audited as itself. */
class HikariPoolTest {

    private GovernedFixture fixture;
    private String rawUrl;

    @BeforeEach
    void setUp() throws SQLException {
        fixture = new GovernedFixture();
        rawUrl = GovernedFixture.newH2Database();
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    private HikariDataSource hikari(String url) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername("sa");
        config.setPassword("");
        config.setMaximumPoolSize(4);
        return new HikariDataSource(config);
    }

    private GovernedDataSource governedPool(HikariDataSource pool) {
        return GovernedDataSource.wrap(pool)
                .policy(GovernedFixture.POLICY)
                .jwks(fixture.jwks.toString())
                .issuer(fixture.idp.issuer())
                .audience(fixture.idp.audience())
                .audit("jsonl:" + fixture.audit)
                .build();
    }

    @Test
    void twoAgentsShareOnePoolAndEachGetsItsOwnDecisions() throws Exception {
        String support = fixture.supportAgent();
        String dba = fixture.dba();
        int threads = 8;
        int perThread = 40;
        HikariDataSource pool = hikari(rawUrl);
        try (GovernedDataSource governed = governedPool(pool)) {
            ExecutorService executor = Executors.newFixedThreadPool(threads);
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                boolean asDba = t % 2 == 0;
                results.add(executor.submit(() -> {
                    int read = 0;
                    for (int i = 0; i < perThread; i++) {
                        read += Governed.runAs(asDba ? dba : support, () -> readSecret(governed, asDba));
                    }
                    return read;
                }));
            }
            int secretsRead = 0;
            for (Future<Integer> each : results) {
                secretsRead += each.get();
            }
            executor.shutdown();
            assertThat(secretsRead).isEqualTo(threads / 2 * perThread);
        }
        assertThat(pool.isClosed()).as("closing the governed data source closes the pool").isTrue();
        List<JsonNode> events = fixture.auditEvents();
        assertThat(events).hasSize(threads * perThread);
        for (JsonNode each : events) {
            boolean byDba = each.at("/actor/subject").asText().equals("alice");
            assertThat(each.at("/decision/effect").asText()).isEqualTo(byDba ? "allow" : "deny");
        }
    }

    /** Reads the secret; the dba may, the support agent must be denied. Returns 1 when read. */
    private static int readSecret(GovernedDataSource governed, boolean asDba) throws SQLException {
        try (Connection connection = governed.getConnection(); Statement statement = connection.createStatement()) {
            if (!asDba) {
                assertThatThrownBy(() -> statement.executeQuery("SELECT secret FROM secrets"))
                        .isInstanceOf(PolicyDeniedException.class);
                return 0;
            }
            try (ResultSet result = statement.executeQuery("SELECT secret FROM secrets")) {
                result.next();
                assertThat(result.getString(1)).isEqualTo("launch codes");
                return 1;
            }
        }
    }

    @Test
    void hikariOverTheGovernedUrlIsGoverned() throws Exception {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(GovernedFixture.governedUrl(rawUrl));
        config.setUsername("sa");
        config.setPassword("");
        config.setMaximumPoolSize(2);
        config.setDataSourceProperties(fixture.properties(fixture.supportAgent()));
        try (HikariDataSource pool = new HikariDataSource(config);
                Connection connection = pool.getConnection();
                Statement statement = connection.createStatement()) {
            try (ResultSet result = statement.executeQuery("SELECT COUNT(*) FROM orders")) {
                result.next();
                assertThat(result.getInt(1)).isEqualTo(3);
            }
            assertThatThrownBy(() -> statement.execute("DROP TABLE orders"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("no-destructive-ddl");
        }
    }

    @Test
    void aCallerWithoutATokenIsRefusedOnAPooledConnection() throws Exception {
        try (GovernedDataSource governed = governedPool(hikari(rawUrl));
                Connection connection = governed.getConnection();
                Statement statement = connection.createStatement()) {
            assertThatThrownBy(() -> statement.executeQuery("SELECT id FROM orders"))
                    .isInstanceOf(TokenRejectedException.class);
        }
    }
}
