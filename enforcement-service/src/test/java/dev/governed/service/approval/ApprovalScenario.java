package dev.governed.service.approval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import dev.governed.jdbc.ApprovalPendingException;
import dev.governed.jdbc.PolicyDeniedException;
import dev.governed.service.ServiceFixture;
import dev.governed.service.web.Json;
import dev.governed.testsupport.TestIdentityProvider;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real enforcement service (in-process, loopback), a policy with approval rules, and an H2 database to govern. */
abstract class ApprovalScenario {

    static final String POLICY = """
            version: 1
            defaults: { effect: deny }
            rules:
              - id: agent-read
                when: { groups: [agents], resources: [orders-db] }
                sql: { operations: [select], tables: [public.orders, public.refunds, public.accounts] }
                effect: allow
              - id: order-updates-need-approval
                when: { groups: [agents], resources: [orders-db] }
                sql: { operations: [update], tables: [public.orders] }
                effect: approve
                reason: order changes are reviewed by a DBA
                approval: { approvers: { groups: [dba] }, mode: once }
              - id: refunds-window
                when: { groups: [agents], resources: [orders-db] }
                sql: { operations: [insert], tables: [public.refunds] }
                effect: approve
                approval: { approvers: { groups: [dba] }, mode: window, ttl: 10m }
              - id: account-changes-need-two
                when: { groups: [agents], resources: [orders-db] }
                sql: { operations: [update], tables: [public.accounts] }
                effect: approve
                approval: { approvers: { groups: [dba] }, mode: once, minApprovals: 2 }
            """;

    /** A clock the test moves past expiries; the service's long polls still run on real time. */
    static final class TestClock extends Clock {
        volatile Instant now = Instant.now();

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @TempDir
    Path dir;
    TestIdentityProvider idp;
    ServiceFixture service;
    final TestClock clock = new TestClock();
    String rawUrl;
    Path auditFile;

    @BeforeEach
    void start() throws Exception {
        idp = TestIdentityProvider.served();
        service = startService(0);
        HttpResponse<String> pushed = service.post("/v1/policies?activate=true", service.admin(), "application/yaml", POLICY);
        assertThat(pushed.statusCode()).as(pushed.body()).isIn(200, 201);
        rawUrl = "jdbc:h2:mem:" + UUID.randomUUID().toString().replace("-", "") + ";DB_CLOSE_DELAY=-1";
        try (Connection raw = DriverManager.getConnection(rawUrl, "sa", "");
                Statement statement = raw.createStatement()) {
            statement.execute("CREATE TABLE orders (id INT PRIMARY KEY, status VARCHAR(20))");
            statement.execute("CREATE TABLE refunds (id INT PRIMARY KEY, amount INT)");
            statement.execute("CREATE TABLE accounts (id INT PRIMARY KEY, balance INT)");
            statement.execute("INSERT INTO orders VALUES (1, 'open'), (2, 'open')");
            statement.execute("INSERT INTO accounts VALUES (1, 100)");
        }
        auditFile = dir.resolve("agent-audit.jsonl");
    }

    ServiceFixture startService(int port) {
        return ServiceFixture.start(idp, false, b -> b.dataDir(dir.resolve("service")).port(port).clock(clock));
    }

    @AfterEach
    void stop() {
        if (service != null) {
            service.close();
        }
        idp.close();
    }

    String agent() {
        return idp.token().subject("agent:billing").groups("agents").sign();
    }

    String dave() {
        return idp.token().subject("dave-dba").groups("governed-approvers", "dba").sign();
    }

    String erin() {
        return idp.token().subject("erin-dba").groups("governed-approvers", "dba").sign();
    }

    Connection connect(String token, String wait) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", "sa");
        properties.setProperty("password", "");
        properties.setProperty("governed.policy", service.service.baseUri().toString());
        properties.setProperty("governed.resource", "orders-db");
        properties.setProperty("governed.jwks", idp.jwksUri().toString());
        properties.setProperty("governed.issuer", idp.issuer());
        properties.setProperty("governed.audience", idp.audience());
        properties.setProperty("governed.audit", "jsonl:" + auditFile);
        properties.setProperty("governed.token", token);
        properties.setProperty("governed.approval.wait", wait);
        properties.setProperty("governed.approval.timeout", "5s");
        return DriverManager.getConnection("jdbc:governed:" + rawUrl.substring("jdbc:".length()), properties);
    }

    Connection connect() throws SQLException {
        return connect(agent(), "0s");
    }

    static int ship(Connection connection, String status, int id) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("UPDATE orders SET status = ? WHERE id = ?")) {
            update.setString(1, status);
            update.setInt(2, id);
            return update.executeUpdate();
        }
    }

    static String pending(ThrowingCall call) {
        ApprovalPendingException pending = catchThrowableOfType(call::run, ApprovalPendingException.class);
        assertThat((Object) pending).as("the statement should wait for approval").isNotNull();
        assertThat(pending.getSQLState()).isEqualTo("G0A01");
        return pending.getApprovalId();
    }

    interface ThrowingCall {
        void run() throws Exception;
    }

    String status(String table, int id) throws SQLException {
        try (Connection raw = DriverManager.getConnection(rawUrl, "sa", "");
                Statement statement = raw.createStatement();
                ResultSet rows = statement.executeQuery("SELECT status FROM " + table + " WHERE id = " + id)) {
            rows.next();
            return rows.getString(1);
        }
    }

    int count(String table) throws SQLException {
        try (Connection raw = DriverManager.getConnection(rawUrl, "sa", "");
                Statement statement = raw.createStatement();
                ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rows.next();
            return rows.getInt(1);
        }
    }

    HttpResponse<String> decide(String id, String action, String token, String reason) {
        return service.postJson("/v1/approvals/" + id + "/" + action, token, reason == null ? "{}" : "{\"reason\":\"" + reason + "\"}");
    }

    void approve(String id, String token) {
        HttpResponse<String> response = decide(id, "approve", token, "looks right");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

}
