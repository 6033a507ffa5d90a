package dev.governed.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.governed.service.web.Json;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The Governed driver in service mode on a minted login: renewed while the connection lives, failing closed after. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MintedLoginLibraryTest {
    @TempDir
    Path dir;
    private MintingTarget target;

    @BeforeAll
    void createTarget() throws SQLException {
        target = new MintingTarget();
    }

    private ServiceFixture startService(String name, Clock clock) {
        ServiceFixture service = ServiceFixture.onPostgres(name + "_" + target.suffix, b -> b.clock(clock));
        HttpResponse<String> policy = service.post("/v1/policies?activate=true", service.admin(), "application/yaml",
                MintingTarget.policy(1, "jit", "public.orders, public.customers"));
        assertThat(policy.statusCode()).as(policy.body()).isIn(200, 201);
        HttpResponse<String> put = service.putJson("/v1/connections/jit", service.admin(), target.profile("\"support-agents\""));
        assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
        return service;
    }

    private Properties agent(ServiceFixture service) {
        Properties result = new Properties(); // no database user or password: the service mints them
        result.setProperty("governed.token", service.agent("agent:support-bot", "support-agents"));
        result.setProperty("governed.jwks", service.idp.jwksUri().toString());
        result.setProperty("governed.issuer", service.idp.issuer());
        result.setProperty("governed.audience", service.idp.audience());
        result.setProperty("governed.audit", "jsonl:" + dir.resolve("audit-" + System.nanoTime() + ".jsonl"));
        return result;
    }

    private static String url(ServiceFixture service) {
        return "jdbc:governed://127.0.0.1:" + service.service.port() + "/jit";
    }

    private static String sqlState(Connection connection, String sql) {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
            return "ok";
        } catch (SQLException e) {
            return e.getSQLState();
        }
    }

    private static List<String> liveLogins(ServiceFixture service) {
        JsonNode logins = Json.readTree(service.get("/v1/connections/jit/logins", service.auditor()).body(), "logins").get("logins");
        List<String> result = new ArrayList<>();
        logins.forEach(each -> {
            if (each.get("droppedAt").isNull()) {
                result.add(each.get("login").asText());
            }
        });
        return result;
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("timed out waiting until " + what).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    @Test
    void theDriverRenewsItsLoginThenFailsClosedOnceItExpiresWithTheServiceDown() throws Exception {
        // The service's clock runs 14m54s behind, so its 15-minute logins expire six seconds after they are minted or renewed.
        ServiceFixture service = startService("svc_jitlib", Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-15).plusSeconds(6)));
        try (Connection connection = DriverManager.getConnection(url(service), agent(service))) {
            assertThat(sqlState(connection, "SELECT * FROM orders")).isEqualTo("ok");
            assertThat(sqlState(connection, "SELECT id, name FROM customers")).isEqualTo("ok");
            assertThat(sqlState(connection, "SELECT * FROM payroll")).as("the library denies first").isEqualTo("42501");
            assertThat(sqlState(connection, "SELECT ssn FROM customers")).as("the database refuses the clear value even to the driver")
                    .isEqualTo("42501");
            Thread.sleep(8_000);
            assertThat(sqlState(connection, "SELECT * FROM orders")).as("renewed past its first expiry").isEqualTo("ok");
            String events = service.get("/v1/audit/events?kind=admin&limit=1000", service.auditor()).body();
            assertThat(events).contains("connection.renew");
            service.close();
            await("the login expires without the service", () -> sqlState(connection, "SELECT * FROM orders").equals("08G01"));
            try (Statement statement = connection.createStatement()) {
                statement.executeQuery("SELECT * FROM orders");
            } catch (SQLException e) {
                assertThat(e.getMessage()).contains("expired").contains("could not be renewed");
            }
        }
    }

    @Test
    void closingTheConnectionDropsItsLogin() throws Exception {
        ServiceFixture service = startService("svc_jitclose", new MutableClock());
        try {
            String login;
            try (Connection connection = DriverManager.getConnection(url(service), agent(service))) {
                assertThat(sqlState(connection, "SELECT * FROM orders")).isEqualTo("ok");
                assertThat(liveLogins(service)).hasSize(1);
                login = liveLogins(service).get(0);
                assertThat(target.roleExists(login)).isTrue();
            }
            await("the closed connection's login is dropped", () -> !target.roleExists(login));
            assertThat(liveLogins(service)).isEmpty();
        } finally {
            service.close();
        }
    }
}
