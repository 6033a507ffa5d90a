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

/**
 * Just-in-time approvals end to end: the governed driver on real H2 asks the real enforcement service
 * (in-process, loopback), a reviewer decides over its REST API, and the statement runs exactly as approved.
 */
class ApprovalFlowTest extends ApprovalScenario {

    @Test
    void anApprovedStatementRunsExactlyOnce() throws Exception {
        try (Connection connection = connect()) {
            ApprovalPendingException first = catchThrowableOfType(() -> ship(connection, "shipped", 1), ApprovalPendingException.class);
            assertThat(first.getSQLState()).isEqualTo("G0A01");
            assertThat(first.getMessage()).contains(first.getApprovalId()).contains(service.service.baseUri() + "/approvals#")
                    .contains("order-updates-need-approval");
            assertThat(status("orders", 1)).isEqualTo("open");
            assertThat(pending(() -> ship(connection, "shipped", 1))).as("an identical retry finds the same request")
                    .isEqualTo(first.getApprovalId());

            approve(first.getApprovalId(), dave());
            assertThat(ship(connection, "shipped", 1)).isEqualTo(1);
            assertThat(status("orders", 1)).isEqualTo("shipped");

            String second = pending(() -> ship(connection, "shipped", 1));
            assertThat(second).as("a second execution needs a new approval").isNotEqualTo(first.getApprovalId());
        }
        String usage = Files.readString(auditFile);
        assertThat(usage).contains("\"approval\":\"");
    }

    @Test
    void changedParametersNeedANewApproval() throws Exception {
        try (Connection connection = connect()) {
            String approved = pending(() -> ship(connection, "shipped", 1));
            approve(approved, dave());
            String other = pending(() -> ship(connection, "cancelled", 1));
            assertThat(other).isNotEqualTo(approved);
            assertThat(pending(() -> ship(connection, "shipped", 2))).isNotIn(approved, other);
            assertThat(status("orders", 1)).isEqualTo("open");
            assertThat(ship(connection, "shipped", 1)).as("the approved parameters still run").isEqualTo(1);
        }
    }

    @Test
    void aStreamParameterCannotBeApprovedAndNothingIsAsked() throws Exception {
        try (Connection connection = connect();
                PreparedStatement update = connection.prepareStatement("UPDATE orders SET status = ? WHERE id = ?")) {
            update.setCharacterStream(1, new java.io.StringReader("shipped"));
            update.setInt(2, 1);
            assertThatThrownBy(update::executeUpdate)
                    .isInstanceOf(PolicyDeniedException.class)
                    .hasMessageContaining("parameter 1 is a StringReader")
                    .hasMessageContaining("bind it as a string");
            assertThat(Json.readTree(service.get("/v1/approvals", service.admin()).body(), "list").get("approvals").size())
                    .isZero();
        }
    }

    @Test
    void aBatchIsApprovedAsAWhole() throws Exception {
        try (Connection connection = connect();
                PreparedStatement update = connection.prepareStatement("UPDATE orders SET status = ? WHERE id = ?")) {
            update.setString(1, "shipped");
            update.setInt(2, 1);
            update.addBatch();
            update.setString(1, "shipped");
            update.setInt(2, 2);
            update.addBatch();
            String id = pending(update::executeBatch);
            approve(id, dave());
            update.setString(1, "shipped");
            update.setInt(2, 1);
            update.addBatch();
            update.setString(1, "cancelled");
            update.setInt(2, 2);
            update.addBatch();
            assertThat(pending(update::executeBatch)).as("another batch").isNotEqualTo(id);
            update.setString(1, "shipped");
            update.setInt(2, 1);
            update.addBatch();
            update.setString(1, "shipped");
            update.setInt(2, 2);
            update.addBatch();
            assertThat(update.executeBatch()).containsExactly(1, 1);
            assertThat(status("orders", 2)).isEqualTo("shipped");
        }
    }

    @Test
    void literalsOfAPlainStatementArePartOfWhatIsApproved() throws Exception {
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            String approved = pending(() -> statement.executeUpdate("UPDATE orders SET status = 'shipped' WHERE id = 1"));
            approve(approved, dave());
            assertThat(pending(() -> statement.executeUpdate("UPDATE orders SET status = 'shipped' WHERE id = 2")))
                    .isNotEqualTo(approved);
            assertThat(statement.executeUpdate("UPDATE orders SET status = 'shipped' WHERE id = 1")).isEqualTo(1);
            assertThat(status("orders", 2)).isEqualTo("open");
        }
    }

    @Test
    void anUnusedApprovalExpires() throws Exception {
        try (Connection connection = connect()) {
            String expired = pending(() -> ship(connection, "shipped", 1));
            clock.advance(Duration.ofHours(2));
            String renewed = pending(() -> ship(connection, "shipped", 1));
            assertThat(renewed).as("an expired request is not reused").isNotEqualTo(expired);
            assertThat(decide(expired, "approve", dave(), null).statusCode()).isEqualTo(409);

            approve(renewed, dave());
            clock.advance(Duration.ofHours(2));
            assertThat(pending(() -> ship(connection, "shipped", 1))).isNotIn(expired, renewed);
            assertThat(status("orders", 1)).isEqualTo("open");
        }
    }

    static int refund(Connection connection, int id) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO refunds VALUES (?, ?)")) {
            insert.setInt(1, id);
            insert.setInt(2, 10 * id);
            return insert.executeUpdate();
        }
    }

    @Test
    void aWindowGrantCoversTheRuleUntilItExpiresMidSession() throws Exception {
        try (Connection connection = connect()) {
            String grant = pending(() -> refund(connection, 1));
            approve(grant, dave());
            assertThat(refund(connection, 1)).isEqualTo(1);
            assertThat(refund(connection, 2)).as("other statements of the rule run in the window").isEqualTo(1);
            clock.advance(Duration.ofMinutes(11));
            assertThat(pending(() -> refund(connection, 3))).isNotEqualTo(grant);
            assertThat(count("refunds")).isEqualTo(2);
        }
    }

    @Test
    void aRevokedGrantStopsTheNextStatementOnAnOpenConnection() throws Exception {
        try (Connection connection = connect()) {
            String grant = pending(() -> refund(connection, 1));
            approve(grant, dave());
            assertThat(refund(connection, 1)).isEqualTo(1);
            HttpResponse<String> revoked = decide(grant, "revoke", dave(), "window closed early");
            assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
            assertThat(pending(() -> refund(connection, 2))).isNotEqualTo(grant);
            assertThat(count("refunds")).isEqualTo(1);
        }
    }

    @Test
    void nobodyApprovesTheirOwnRequest() throws Exception {
        String selfApprover = idp.token().subject("agent:billing").groups("agents", "governed-approvers", "dba").sign();
        try (Connection connection = connect(selfApprover, "0s")) {
            String id = pending(() -> ship(connection, "shipped", 1));
            HttpResponse<String> refused = decide(id, "approve", selfApprover, null);
            assertThat(refused.statusCode()).isEqualTo(403);
            assertThat(refused.body()).contains("cannot decide it");
            assertThat(pending(() -> ship(connection, "shipped", 1))).isEqualTo(id);
            assertThat(status("orders", 1)).isEqualTo("open");
        }
    }

    static int credit(Connection connection) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("UPDATE accounts SET balance = balance + ? WHERE id = ?")) {
            update.setInt(1, 50);
            update.setInt(2, 1);
            return update.executeUpdate();
        }
    }

    @Test
    void twoApproversAreNeededWhenTheRuleSaysSo() throws Exception {
        try (Connection connection = connect()) {
            String id = pending(() -> credit(connection));
            approve(id, dave());
            assertThat(pending(() -> credit(connection))).as("one of two approvals is not enough").isEqualTo(id);
            assertThat(decide(id, "approve", dave(), null).statusCode()).as("the same approver twice").isEqualTo(409);
            JsonNode partial = Json.readTree(service.get("/v1/approvals/" + id, dave()).body(), "approval");
            assertThat(partial.get("status").asText()).isEqualTo("pending");
            assertThat(partial.get("approvals").size()).isEqualTo(1);
            approve(id, erin());
            assertThat(credit(connection)).isEqualTo(1);
        }
    }

    @Test
    void theAgentSeesTheReviewersReasonForADenial() throws Exception {
        try (Connection connection = connect()) {
            String id = pending(() -> ship(connection, "shipped", 1));
            HttpResponse<String> denied = decide(id, "deny", dave(), "order 1 is under dispute");
            assertThat(denied.statusCode()).as(denied.body()).isEqualTo(200);
            assertThatThrownBy(() -> ship(connection, "shipped", 1))
                    .isInstanceOf(PolicyDeniedException.class)
                    .hasMessageContaining(id)
                    .hasMessageContaining("dave-dba")
                    .hasMessageContaining("order 1 is under dispute");
            assertThat(status("orders", 1)).isEqualTo("open");
        }
    }

    @Test
    void withAWaitTheStatementRunsAsSoonAsItIsApproved() throws Exception {
        try (Connection connection = connect(agent(), "20s")) {
            CompletableFuture<Integer> running = CompletableFuture.supplyAsync(() -> {
                try {
                    return ship(connection, "shipped", 1);
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            String id = awaitPendingRequest();
            approve(id, dave());
            assertThat(running.get(15, TimeUnit.SECONDS)).isEqualTo(1);
            assertThat(status("orders", 1)).isEqualTo("shipped");
        }
    }

    String awaitPendingRequest() throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            JsonNode list = Json.readTree(service.get("/v1/approvals?status=pending", dave()).body(), "list");
            if (list.get("approvals").size() > 0) {
                return list.get("approvals").get(0).get("id").asText();
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no pending approval request appeared");
    }

    @Test
    void theServiceGoingDownWhileWaitingFailsClearlyAndRunsNothing() throws Exception {
        try (Connection connection = connect(agent(), "20s")) {
            CompletableFuture<Integer> running = CompletableFuture.supplyAsync(() -> {
                try {
                    return ship(connection, "shipped", 1);
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            awaitPendingRequest();
            service.close();
            service = null;
            Throwable failure = catchThrowableOfType(() -> running.get(30, TimeUnit.SECONDS), java.util.concurrent.ExecutionException.class)
                    .getCause().getCause();
            assertThat(failure).isInstanceOf(SQLTransientConnectionException.class)
                    .hasMessageContaining("Nothing was executed");
            assertThat(((SQLException) failure).getSQLState()).isEqualTo("08G02");
            assertThat(status("orders", 1)).isEqualTo("open");
        }
    }

    @Test
    void pendingRequestsSurviveAServiceRestart() throws Exception {
        String id;
        int port = service.service.port();
        try (Connection connection = connect()) {
            id = pending(() -> ship(connection, "shipped", 1));
        }
        service.close();
        service = startService(port);
        try (Connection connection = connect()) {
            assertThat(pending(() -> ship(connection, "shipped", 1))).isEqualTo(id);
            approve(id, dave());
            assertThat(ship(connection, "shipped", 1)).isEqualTo(1);
        }
    }

    @Test
    void theAuditTrailLinksRequestDecisionsAndExecutionByTheApprovalId() throws Exception {
        String id;
        try (Connection connection = connect()) {
            id = pending(() -> ship(connection, "shipped", 1));
            approve(id, dave());
            ship(connection, "shipped", 1);
        }
        JsonNode events = Json.readTree(service.get("/v1/audit/events?approval=" + id, service.auditor()).body(), "events");
        assertThat(events.toString()).contains("approval.request").contains("approval.approve").contains("approval.use")
                .contains("dave-dba").contains("looks right");
        dev.governed.jdbc.GovernedDriver.flushAudit(); // the writer is asynchronous: closing a connection does not wait for it
        String agentTrail = Files.readString(auditFile);
        assertThat(agentTrail.lines().filter(line -> line.contains("\"approval\":\"" + id + "\"")))
                .as("the pending refusal and the execution carry the id")
                .anyMatch(line -> line.contains("\"status\":\"ok\""))
                .anyMatch(line -> line.contains("\"status\":\"denied\""));
        assertThat(service.get("/v1/audit/events?approval=x%25", service.auditor()).statusCode()).isEqualTo(400);
    }
}
