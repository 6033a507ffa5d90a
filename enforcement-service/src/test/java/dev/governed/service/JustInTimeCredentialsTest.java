package dev.governed.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.governed.service.web.Json;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Just-in-time credentials on embedded PostgreSQL, attacked as a hostile agent would: it resolves its connection
 * with its own token and talks to the database with plain pgjdbc, bypassing the Governed driver entirely.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JustInTimeCredentialsTest {
    private final MutableClock clock = new MutableClock();
    private MintingTarget target;
    private ServiceFixture service;
    private int policyVersion;

    @BeforeAll
    void start() throws SQLException {
        target = new MintingTarget();
        service = ServiceFixture.onPostgres("svc_jit_" + target.suffix, b -> b.clock(clock));
        activatePolicy("public.orders, public.customers");
        HttpResponse<String> put = service.putJson("/v1/connections/jit", service.admin(), target.profile("\"support-agents\""));
        assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
        assertThat(json(put).get("credentials").asText()).isEqualTo("minted");
        assertThat(json(put).get("ttl").asText()).isEqualTo("PT15M");
    }

    @AfterAll
    void stop() {
        if (service != null) {
            service.close();
        }
    }

    private void activatePolicy(String readable) {
        policyVersion++;
        HttpResponse<String> response = service.post("/v1/policies?activate=true", service.admin(), "application/yaml",
                MintingTarget.policy(policyVersion, "jit", readable));
        assertThat(response.statusCode()).as(response.body()).isIn(200, 201);
    }

    private JsonNode resolve() {
        HttpResponse<String> response = service.get("/v1/connections/jit", service.agent("agent:support-bot", "support-agents"));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json(response);
    }

    private Connection bypass(JsonNode resolved) throws SQLException {
        return DriverManager.getConnection(resolved.get("url").asText(), resolved.get("user").asText(), resolved.get("password").asText());
    }

    private static JsonNode json(HttpResponse<String> response) {
        return Json.readTree(response.body(), "response");
    }

    private static String sqlState(Connection connection, String sql) {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
            return "ok";
        } catch (SQLException e) {
            return e.getSQLState();
        }
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("timed out waiting until " + what).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private List<String> adminOperations() {
        JsonNode events = json(service.get("/v1/audit/events?kind=admin&limit=1000", service.auditor())).get("events");
        List<String> result = new ArrayList<>();
        events.forEach(each -> result.add(each.path("action").path("operation").asText() + " " + each.path("action").path("statement").asText()));
        return result;
    }

    @Test
    void resolveReturnsAMintedLoginNotTheStoredPassword() throws SQLException {
        Instant before = clock.instant();
        JsonNode resolved = resolve();
        String login = resolved.get("user").asText();
        assertThat(resolved.toString()).doesNotContain(target.minterPassword).doesNotContain(target.minter);
        assertThat(login).startsWith("gv_agent_support_bot_").hasSizeLessThanOrEqualTo(63);
        assertThat(resolved.get("password").asText()).hasSizeGreaterThanOrEqualTo(40);
        assertThat(resolved.get("credentials").asText()).isEqualTo("minted");
        assertThat(Instant.parse(resolved.get("expiresAt").asText())).isEqualTo(before.plus(Duration.ofMinutes(15)));
        assertThat(resolve().get("user").asText()).as("each session its own login").isNotEqualTo(login);
        try (Connection connection = target.superuser();
             ResultSet rows = connection.createStatement().executeQuery("SELECT rolinherit, rolcreaterole, rolcreatedb, rolsuper, "
                     + "rolvaliduntil IS NOT NULL, rolconnlimit, (SELECT count(*) FROM pg_auth_members m WHERE m.member = r.oid) "
                     + "FROM pg_roles r WHERE rolname = '" + login + "'")) {
            assertThat(rows.next()).isTrue();
            assertThat(List.of(rows.getBoolean(1), rows.getBoolean(2), rows.getBoolean(3), rows.getBoolean(4))).containsOnly(false);
            assertThat(rows.getBoolean(5)).isTrue();
            assertThat(rows.getInt(6)).isEqualTo(2);
            assertThat(rows.getInt(7)).as("member of no role").isZero();
        }
        assertThat(adminOperations()).anyMatch(each -> each.startsWith("connection.mint login " + login));
        assertThat(service.get("/v1/audit/events?kind=admin&limit=1000", service.auditor()).body()).as("no secret in the audit trail")
                .doesNotContain(resolved.get("password").asText()).doesNotContain(target.minterPassword);
    }

    @Test
    void aBypassingClientCannotGoBeyondThePolicy() throws SQLException {
        JsonNode resolved = resolve();
        try (Connection connection = bypass(resolved)) {
            assertThat(sqlState(connection, "SELECT * FROM public.orders")).as("allowed read").isEqualTo("ok");
            assertThat(sqlState(connection, "SELECT id, name FROM customers")).as("unmasked columns").isEqualTo("ok");
            assertThat(sqlState(connection, "INSERT INTO notes (note) VALUES ('called the customer')")).as("allowed insert").isEqualTo("ok");
            assertThat(sqlState(connection, "SELECT * FROM payroll")).as("read of a table no rule allows").isEqualTo("42501");
            assertThat(sqlState(connection, "SELECT * FROM hr.reviews")).as("another schema").isEqualTo("42501");
            assertThat(sqlState(connection, "INSERT INTO orders (customer_id, amount) VALUES (1, 1)")).as("insert not allowed").isEqualTo("42501");
            assertThat(sqlState(connection, "INSERT INTO payroll VALUES (2, 1)")).isEqualTo("42501");
            assertThat(sqlState(connection, "UPDATE orders SET amount = 0 WHERE id = 1")).as("approval-only").isEqualTo("42501");
            assertThat(sqlState(connection, "DELETE FROM notes")).as("delete not allowed").isEqualTo("42501");
            assertThat(sqlState(connection, "CREATE TABLE public.mine (x int)")).as("no CREATE").isEqualTo("42501");
            assertThat(sqlState(connection, "CREATE SCHEMA mine")).isEqualTo("42501");
            assertThat(sqlState(connection, "TRUNCATE notes")).isEqualTo("42501");
            assertThat(sqlState(connection, "SET ROLE " + target.minter)).as("no membership to escalate through").isEqualTo("42501");
        }
    }

    @Test
    void aTablePatternExpandsAgainstTheLiveCatalog() throws SQLException {
        HttpResponse<String> put = service.putJson("/v1/connections/jit-audit", service.admin(), """
                {"url": "%s", "user": "%s", "password": "%s", "resource": "jit", "ttl": "5m", "allowed": {"groups": ["data-auditors"]}}"""
                .formatted(target.url(), target.minter, target.minterPassword));
        assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
        try (Connection connection = target.superuser(); Statement sql = connection.createStatement()) {
            sql.execute("CREATE TABLE public.created_later (id int)");
            sql.execute("ALTER TABLE public.created_later OWNER TO " + target.minter);
        }
        HttpResponse<String> response = service.get("/v1/connections/jit-audit", service.agent("agent:auditor-bot", "data-auditors"));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode resolved = json(response);
        assertThat(resolved.get("ttl").asText()).isEqualTo("PT5M");
        try (Connection connection = bypass(resolved)) {
            for (String read : List.of("SELECT * FROM payroll", "SELECT * FROM orders", "SELECT * FROM notes", "SELECT * FROM created_later",
                    "SELECT id, name FROM customers")) {
                assertThat(sqlState(connection, read)).as(read).isEqualTo("ok");
            }
            assertThat(sqlState(connection, "SELECT * FROM hr.reviews")).as("outside public.*").isEqualTo("42501");
            assertThat(sqlState(connection, "SELECT ssn FROM customers")).as("still masked").isEqualTo("42501");
            assertThat(sqlState(connection, "INSERT INTO notes (note) VALUES ('x')")).as("read-only").isEqualTo("42501");
        }
    }

    @Test
    void aMaskedColumnCannotBeReadInTheClear() throws SQLException {
        JsonNode resolved = resolve();
        String view = resolved.get("maskedViews").get("public.customers").asText();
        assertThat(view).startsWith("gvm_agent_support_bot_").endsWith(".customers");
        try (Connection connection = bypass(resolved)) {
            for (String attempt : List.of("SELECT ssn FROM customers", "SELECT * FROM customers", "SELECT lower(ssn) FROM customers",
                    "SELECT c FROM customers c", "SELECT id FROM customers WHERE ssn LIKE '123%'", "SELECT email FROM public.customers",
                    "COPY customers TO STDOUT", "SELECT (SELECT ssn FROM customers LIMIT 1)")) {
                assertThat(sqlState(connection, attempt)).as(attempt).isEqualTo("42501");
            }
            try (ResultSet rows = connection.createStatement().executeQuery("SELECT id, name, ssn, email FROM " + view)) {
                assertThat(rows.next()).isTrue();
                assertThat(rows.getString("name")).isEqualTo("Ada");
                assertThat(rows.getString("ssn")).isEqualTo("*******6789");
                assertThat(rows.getString("email")).isEqualTo("a***@example.com");
            }
            try (ResultSet rows = connection.createStatement().executeQuery("SELECT count(*) FROM " + view + " WHERE ssn = '123-45-6789'")) {
                assertThat(rows.next()).isTrue();
                assertThat(rows.getInt(1)).as("the view compares masked values only").isZero();
            }
            assertThat(sqlState(connection, "CREATE VIEW " + view.substring(0, view.indexOf('.')) + ".peek AS SELECT 1"))
                    .as("the masking schema is the service's").isEqualTo("42501");
        }
    }

    @Test
    void staticProfilesReleaseTheStoredCredentialsOnlyWhenMarked() {
        HttpResponse<String> put = service.putJson("/v1/connections/jit-static", service.admin(), """
                {"url": "%s", "user": "%s", "password": "plain-pw", "credentials": "static", "allowed": {"groups": ["support-agents"]}}"""
                .formatted(target.url(), target.plain));
        assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
        JsonNode resolved = json(service.get("/v1/connections/jit-static", service.agent("agent:support-bot", "support-agents")));
        assertThat(resolved.get("credentials").asText()).isEqualTo("static");
        assertThat(resolved.get("user").asText()).isEqualTo(target.plain);
        assertThat(resolved.get("password").asText()).isEqualTo("plain-pw");
        assertThat(resolved.get("expiresAt").isNull()).isTrue();
        HttpResponse<String> minting = service.putJson("/v1/connections/jit-plain", service.admin(), """
                {"url": "%s", "user": "%s", "password": "plain-pw", "allowed": {"groups": ["support-agents"]}}"""
                .formatted(target.url(), target.plain));
        assertThat(minting.statusCode()).isEqualTo(400);
        assertThat(minting.body()).contains("has no CREATEROLE").contains("static").doesNotContain("plain-pw");
    }

    @Test
    void anExpiredLoginIsDroppedAndItsSessionEnded() throws Exception {
        JsonNode resolved = resolve();
        String login = resolved.get("user").asText();
        try (Connection connection = bypass(resolved)) {
            assertThat(sqlState(connection, "SELECT * FROM orders")).isEqualTo("ok");
            clock.advance(Duration.ofMinutes(16));
            await("the expired login is dropped", () -> !target.roleExists(login));
            assertThat(sqlState(connection, "SELECT * FROM orders")).as("its open session was terminated").isNotEqualTo("ok");
        }
        assertThatThrownBy(() -> bypass(resolved)).isInstanceOf(SQLException.class);
        assertThat(adminOperations()).anyMatch(each -> each.startsWith("connection.drop login " + login) && each.endsWith("(expired)"));
    }

    @Test
    void aPolicyChangeRevokesAGrantBeforeTheNextStatement() throws Exception {
        JsonNode resolved = resolve();
        String login = resolved.get("user").asText();
        try (Connection connection = bypass(resolved)) {
            assertThat(sqlState(connection, "SELECT * FROM orders")).isEqualTo("ok");
            activatePolicy("public.customers");
            try {
                await("the new policy's grants apply", () -> sqlState(connection, "SELECT * FROM orders").equals("42501"));
                assertThat(sqlState(connection, "SELECT id FROM customers")).as("what stays allowed still works").isEqualTo("ok");
            } finally {
                activatePolicy("public.orders, public.customers");
            }
            await("the restored policy's grants apply", () -> sqlState(connection, "SELECT * FROM orders").equals("ok"));
        }
        assertThat(adminOperations()).anyMatch(each -> each.startsWith("connection.regrant login " + login));
    }

    @Test
    void aRevokedLoginIsDroppedAtOnceAndOnlyItsOwnerOrAnAdminMayRevoke() throws SQLException {
        JsonNode resolved = resolve();
        String login = resolved.get("user").asText();
        String path = "/v1/connections/jit/logins/" + login;
        assertThat(service.delete(path, service.agent("agent:other", "support-agents")).statusCode()).isEqualTo(404);
        try (Connection connection = bypass(resolved)) {
            assertThat(service.delete(path, service.agent("agent:support-bot", "support-agents")).statusCode()).isEqualTo(204);
            assertThat(target.roleExists(login)).isFalse();
            assertThat(sqlState(connection, "SELECT * FROM orders")).isNotEqualTo("ok");
        }
        assertThat(service.post(path + "/renew", service.agent("agent:support-bot", "support-agents"), "application/json", "")
                .statusCode()).isEqualTo(410);
    }

    @Test
    void theOwnerRenewsItsLogin() throws SQLException {
        JsonNode resolved = resolve();
        String login = resolved.get("user").asText();
        String renew = resolved.get("renew").asText();
        clock.advance(Duration.ofMinutes(5));
        HttpResponse<String> renewed = service.post(renew, service.agent("agent:support-bot", "support-agents"), "application/json", "");
        assertThat(renewed.statusCode()).as(renewed.body()).isEqualTo(200);
        Instant expiresAt = Instant.parse(json(renewed).get("expiresAt").asText());
        assertThat(expiresAt).isEqualTo(clock.instant().plus(Duration.ofMinutes(15)));
        try (Connection connection = target.superuser();
             ResultSet rows = connection.createStatement().executeQuery(
                     "SELECT extract(epoch FROM rolvaliduntil)::bigint FROM pg_roles WHERE rolname = '" + login + "'")) {
            assertThat(rows.next()).isTrue();
            assertThat(rows.getLong(1)).isBetween(expiresAt.getEpochSecond() - 1, expiresAt.getEpochSecond() + 1);
        }
        assertThat(service.post(renew, service.agent("agent:intruder", "support-agents"), "application/json", "").statusCode()).isEqualTo(404);
        assertThat(adminOperations()).anyMatch(each -> each.startsWith("connection.renew login " + login));
        JsonNode listed = json(service.get("/v1/connections/jit/logins", service.auditor()));
        assertThat(listed.toString()).contains(login).doesNotContain(resolved.get("password").asText());
        assertThat(login.toLowerCase(Locale.ROOT)).isEqualTo(login);
    }
}
