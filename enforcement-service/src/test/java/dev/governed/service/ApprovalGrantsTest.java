package dev.governed.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.governed.service.web.Json;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Approval-scoped grants on minted logins, checked at the database: an operation a rule sends to approval is granted
 * to the asking session's login only once it is approved, and taken back when the approval stops covering statements.
 * A hostile agent holding the login's password and plain pgjdbc can use it exactly that long, and no other session can.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApprovalGrantsTest {
    private static final String POLICY = """
            version: 1
            defaults: { effect: deny }
            rules:
              - id: orders-read
                when: { groups: [support-agents], resources: [jit] }
                sql: { operations: [select], tables: [public.orders] }
                effect: allow
              - id: order-inserts-need-approval
                when: { groups: [support-agents], resources: [jit] }
                sql: { operations: [insert], tables: [public.orders, public.notes] }
                effect: approve
                approval: { approvers: { groups: [dba] }, mode: once }
              - id: order-updates-in-a-window
                when: { groups: [support-agents], resources: [jit] }
                sql: { operations: [update], tables: [public.orders] }
                effect: approve
                approval: { approvers: { groups: [dba] }, mode: window, ttl: 10m }
            """;
    private static final String INSERT = "INSERT INTO orders (customer_id, amount, status) VALUES (1, 5, 'new')";
    private static final String UPDATE = "UPDATE orders SET status = 'held' WHERE id = 1";
    private static final String AGENT = "agent:support-bot";

    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock();
    private MintingTarget target;
    private ServiceFixture service;

    @BeforeAll
    void start() throws SQLException {
        target = new MintingTarget();
        service = ServiceFixture.onPostgres("svc_apgrant_" + target.suffix, b -> b.clock(clock));
        HttpResponse<String> policy = service.post("/v1/policies?activate=true", service.admin(), "application/yaml", POLICY);
        assertThat(policy.statusCode()).as(policy.body()).isIn(200, 201);
        HttpResponse<String> put = service.putJson("/v1/connections/jit", service.admin(), target.profile("\"support-agents\""));
        assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
    }

    @AfterAll
    void stop() {
        if (service != null) {
            service.close();
        }
    }

    @Test
    void aOnceApprovalGrantsTheAskingLoginForItsStatementAndTakesItBackAfterItRan() throws Exception {
        JsonNode session = resolve();
        JsonNode other = resolve();
        try (Connection mine = bypass(session); Connection theirs = bypass(other)) {
            assertThat(sqlState(mine, INSERT)).as("approval-only: never in the login's grants").isEqualTo("42501");
            String id = ask(INSERT, "order-inserts-need-approval", session.get("login").asText());
            assertThat(sqlState(mine, INSERT)).as("still pending").isEqualTo("42501");

            approve(id, null);
            HttpResponse<String> again = service.postJson("/v1/approvals/" + id + "/approve", service.approver("dba"), "{}");
            assertThat(again.statusCode()).as("a second decision loses and leaves the grant alone: " + again.body()).isEqualTo(409);
            assertThat(sqlState(mine, INSERT)).as("approved: granted to this session's login, with the serial's sequence").isEqualTo("ok");
            assertThat(sqlState(theirs, INSERT)).as("another session of the same agent gets nothing").isEqualTo("42501");
            assertThat(privilege(other.get("login").asText(), "public.orders", "INSERT")).isFalse();
            assertThat(privilege(session.get("login").asText(), "public.notes", "INSERT"))
                    .as("a once-approval grants what its statement needs, not all its rule covers").isFalse();
            assertThat(privilege(session.get("login").asText(), "public.orders", "UPDATE")).isFalse();

            assertThat(post("/v1/approvals/" + id + "/consume").statusCode()).isEqualTo(200);
            HttpResponse<String> complete = post("/v1/approvals/" + id + "/complete");
            assertThat(complete.statusCode()).as(complete.body()).isEqualTo(200);
            assertThat(sqlState(mine, INSERT)).as("the statement ran: the grant is gone").isEqualTo("42501");
            assertThat(sqlState(mine, "SELECT count(*) FROM orders")).as("the login's own grants stay").isEqualTo("ok");

            String events = service.get("/v1/audit/events?approval=" + id + "&limit=100", service.auditor()).body();
            assertThat(events).contains("connection.approval-grant").contains("connection.approval-revoke")
                    .contains(session.get("login").asText());
        }
    }

    @Test
    void aWindowGrantHoldsUntilItIsRevoked() throws Exception {
        JsonNode session = resolve();
        try (Connection mine = bypass(session)) {
            assertThat(sqlState(mine, UPDATE)).isEqualTo("42501");
            String id = ask(UPDATE, "order-updates-in-a-window", session.get("login").asText());
            approve(id, null);
            assertThat(sqlState(mine, UPDATE)).isEqualTo("ok");
            assertThat(sqlState(mine, "UPDATE orders SET status = 'open' WHERE id = 2")).as("the window covers the rule").isEqualTo("ok");
            assertThat(sqlState(mine, INSERT)).as("but no other rule").isEqualTo("42501");

            HttpResponse<String> revoke = service.postJson("/v1/approvals/" + id + "/revoke", service.approver("dba"), "{\"reason\": \"done\"}");
            assertThat(revoke.statusCode()).as(revoke.body()).isEqualTo(200);
            assertThat(sqlState(mine, UPDATE)).as("revoked: the grant is gone at once").isEqualTo("42501");
        }
    }

    @Test
    void theSweepTakesBackWhatAnUnusedOrUnreportedApprovalGranted() throws Exception {
        JsonNode session = resolve();
        String login = session.get("login").asText();
        try (Connection mine = bypass(session)) {
            String unused = ask(INSERT, "order-inserts-need-approval", login);
            approve(unused, 60L);
            assertThat(sqlState(mine, INSERT)).isEqualTo("ok");
            clock.advance(Duration.ofSeconds(90));
            await("the expired approval's grant is revoked", () -> !privilege(login, "public.orders", "INSERT"));
            assertThat(sqlState(mine, INSERT)).isEqualTo("42501");

            String unreported = ask("INSERT INTO orders (customer_id, amount, status) VALUES (1, 6, 'new')", "order-inserts-need-approval", login);
            approve(unreported, null);
            assertThat(post("/v1/approvals/" + unreported + "/consume").statusCode()).isEqualTo(200);
            assertThat(privilege(login, "public.orders", "INSERT")).as("used, the statement may still be starting").isTrue();
            clock.advance(Duration.ofSeconds(90));
            await("a used once-approval whose run was never reported loses its grant",
                    () -> !privilege(login, "public.orders", "INSERT"));
        }
    }

    @Test
    void anApprovalCanOnlyBeAskedForTheCallersOwnLiveLogin() {
        JsonNode session = resolve();
        HttpResponse<String> foreign = service.postJson("/v1/approvals", service.agent("agent:other-bot", "support-agents"),
                body(INSERT, "order-inserts-need-approval", session.get("login").asText()));
        assertThat(foreign.statusCode()).as(foreign.body()).isEqualTo(403);
        HttpResponse<String> unknown = service.postJson("/v1/approvals", agentToken(),
                body(INSERT, "order-inserts-need-approval", "gv_nobody_aaaaaaaaaaaa"));
        assertThat(unknown.statusCode()).as(unknown.body()).isEqualTo(403);
        HttpResponse<String> revoked = service.delete("/v1/connections/jit/logins/" + session.get("login").asText(), agentToken());
        assertThat(revoked.statusCode()).as(revoked.body()).isIn(200, 204);
        HttpResponse<String> gone = service.postJson("/v1/approvals", agentToken(),
                body(INSERT, "order-inserts-need-approval", session.get("login").asText()));
        assertThat(gone.statusCode()).as(gone.body()).isEqualTo(410);
    }

    @Test
    void theGovernedDriversApprovedInsertRunsOnItsMintedLoginOnce() throws Exception {
        Properties properties = new Properties();
        properties.setProperty("governed.token", agentToken());
        properties.setProperty("governed.jwks", service.idp.jwksUri().toString());
        properties.setProperty("governed.issuer", service.idp.issuer());
        properties.setProperty("governed.audience", service.idp.audience());
        properties.setProperty("governed.audit", "jsonl:" + dir.resolve("audit.jsonl"));
        String statement = "INSERT INTO orders (customer_id, amount, status) VALUES (1, 7, 'driver')";
        try (Connection connection = DriverManager.getConnection("jdbc:governed://127.0.0.1:" + service.service.port() + "/jit",
                properties)) {
            String id;
            try (Statement insert = connection.createStatement()) {
                insert.executeUpdate(statement);
                throw new AssertionError("the insert needs approval");
            } catch (SQLException e) {
                assertThat(e.getSQLState()).isEqualTo("G0A01");
                id = ((dev.governed.jdbc.ApprovalPendingException) e).getApprovalId();
            }
            JsonNode record = Json.readTree(service.get("/v1/approvals/" + id, service.approver("dba")).body(), "approval");
            String login = record.get("login").asText();
            assertThat(login).startsWith("gv_");
            assertThat(privilege(login, "public.orders", "INSERT")).isFalse();

            approve(id, null);
            try (Statement insert = connection.createStatement()) {
                assertThat(insert.executeUpdate(statement)).as("the driver's login holds the grant").isEqualTo(1);
            }
            assertThat(privilege(login, "public.orders", "INSERT")).as("the driver reported the run: revoked at once").isFalse();
            try (Statement insert = connection.createStatement()) {
                assertThatThrownBy(() -> insert.executeUpdate(statement)).isInstanceOfSatisfying(SQLException.class,
                        e -> assertThat(e.getSQLState()).as("the next identical execution asks again").isEqualTo("G0A01"));
            }
        }
        try (Connection check = target.superuser(); ResultSet rows = check.createStatement()
                .executeQuery("SELECT count(*) FROM orders WHERE status = 'driver'")) {
            rows.next();
            assertThat(rows.getInt(1)).isEqualTo(1);
        }
    }

    private String agentToken() {
        return service.agent(AGENT, "support-agents");
    }

    private JsonNode resolve() {
        HttpResponse<String> response = service.get("/v1/connections/jit", agentToken());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Json.readTree(response.body(), "resolve");
    }

    private static Connection bypass(JsonNode resolved) throws SQLException {
        return DriverManager.getConnection(resolved.get("url").asText(), resolved.get("user").asText(), resolved.get("password").asText());
    }

    /** A request as the driver sends it: the statement, the login it runs on, and what it does to which tables. */
    private static String body(String statement, String rule, String login) {
        String operation = statement.split(" ")[0].toLowerCase(java.util.Locale.ROOT);
        return Json.write(java.util.Map.of("statement", statement, "fingerprint", statement, "parameterDigest", "d-" + statement.hashCode(),
                "resource", "jit", "rule", rule, "login", login,
                "touches", java.util.List.of(java.util.Map.of("operation", operation, "schema", "public", "table", "orders"))));
    }

    private String ask(String statement, String rule, String login) {
        HttpResponse<String> response = service.postJson("/v1/approvals", agentToken(), body(statement, rule, login));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return Json.readTree(response.body(), "approval").get("id").asText();
    }

    private void approve(String id, Long ttlSeconds) {
        HttpResponse<String> response = service.postJson("/v1/approvals/" + id + "/approve", service.approver("dba"),
                ttlSeconds == null ? "{}" : "{\"ttlSeconds\": " + ttlSeconds + "}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    private HttpResponse<String> post(String path) {
        return service.postJson(path, agentToken(), "");
    }

    private boolean privilege(String login, String table, String privilege) {
        try (Connection connection = target.superuser();
             PreparedStatement statement = connection.prepareStatement("SELECT has_table_privilege(?, ?, ?)")) {
            statement.setString(1, login);
            statement.setString(2, table);
            statement.setString(3, privilege);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getBoolean(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
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
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("timed out waiting until " + what).isLessThan(deadline);
            Thread.sleep(100);
        }
    }
}
