package dev.governed.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.governed.service.web.Json;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ApprovalApiContract {
    ServiceFixture fixture;

    /** Starts the service under test on its database. */
    abstract ServiceFixture startFixture();
    static final MutableClock CLOCK = new MutableClock();

    @BeforeAll
    void start() {
        fixture = startFixture();
        HttpResponse<String> upload = fixture.post("/v1/policies?activate=true", fixture.admin(), "application/yaml",
                Policies.text("orders-v7.yaml"));
        assertThat(upload.statusCode()).isEqualTo(201);
    }

    @AfterAll
    void stop() {
        fixture.close();
    }

    static JsonNode json(HttpResponse<String> response) {
        return Json.readTree(response.body(), "response");
    }

    static String request(String rule, String environment) {
        return "{\"statement\":\"UPDATE public.orders SET status = ? WHERE id = ?\",\"fingerprint\":\"" + UUID.randomUUID()
                + "\",\"parameterDigest\":\"d1\",\"resource\":\"orders-db\",\"environment\":" + (environment == null ? "null" : "\"" + environment + "\"")
                + ",\"rule\":\"" + rule + "\"}";
    }

    String create(String token) {
        HttpResponse<String> response = fixture.postJson("/v1/approvals", token, request("order-writes-need-approval", "prod"));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        JsonNode body = json(response);
        assertThat(body.get("status").asText()).isEqualTo("pending");
        return body.get("id").asText();
    }

    String writer() {
        return fixture.agent("agent:writer", "order-writers");
    }

    @Test
    void approverInTheRulesGroupApprovesAndTheGrantIsTimeBoxed() {
        String writer = writer();
        String id = create(writer);
        JsonNode created = json(fixture.get("/v1/approvals/" + id, writer));
        assertThat(created.get("approverGroups").toString()).isEqualTo("[\"dba\"]");
        assertThat(created.get("requester").get("subject").asText()).isEqualTo("agent:writer");
        HttpResponse<String> approved = fixture.postJson("/v1/approvals/" + id + "/approve", fixture.approver("dba"),
                "{\"reason\":\"ticket OPS-12\",\"ttlSeconds\":60}");
        assertThat(approved.statusCode()).as(approved.body()).isEqualTo(200);
        assertThat(json(approved).get("status").asText()).isEqualTo("approved");
        assertThat(json(approved).get("decidedBy").asText()).isEqualTo("dave-dba");
        CLOCK.advance(Duration.ofSeconds(61));
        assertThat(json(fixture.get("/v1/approvals/" + id, writer)).get("status").asText()).isEqualTo("expired");
        assertThat(fixture.postJson("/v1/approvals/" + id + "/consume", writer, "").statusCode()).isEqualTo(409);
    }

    @Test
    void agentCannotApprove() {
        String id = create(writer());
        HttpResponse<String> agent = fixture.postJson("/v1/approvals/" + id + "/approve", fixture.agent("agent:other", "support-agents"), "{}");
        assertThat(agent.statusCode()).isEqualTo(403);
        assertThat(agent.body()).contains("not an approver");
        HttpResponse<String> agentInDba = fixture.postJson("/v1/approvals/" + id + "/approve", fixture.agent("agent:dba-bot", "dba"), "{}");
        assertThat(agentInDba.statusCode()).isEqualTo(403);
        assertThat(json(fixture.get("/v1/approvals/" + id, writer())).get("status").asText()).isEqualTo("pending");
    }

    @Test
    void approverOutsideTheRulesGroupsCannotApprove() {
        String id = create(writer());
        HttpResponse<String> response = fixture.postJson("/v1/approvals/" + id + "/approve", fixture.approver("finance"), "{}");
        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.body()).contains("not in the approver groups").contains("dba");
    }

    @Test
    void requesterCannotApproveItsOwnRequest() {
        String selfApprover = fixture.idp.token().subject("dave-dba").groups("governed-approvers", "dba").sign();
        String id = create(selfApprover);
        HttpResponse<String> response = fixture.postJson("/v1/approvals/" + id + "/approve", fixture.approver("dba"), "{}");
        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.body()).contains("cannot decide it");
        assertThat(json(fixture.get("/v1/approvals/" + id, selfApprover)).get("status").asText()).isEqualTo("pending");
    }

    @Test
    void userAnAgentActsForCannotApproveTheAgentsRequest() {
        String delegated = fixture.idp.token().subject("dave-dba").groups("order-writers").actor("agent:assistant").sign();
        String id = create(delegated);
        assertThat(fixture.postJson("/v1/approvals/" + id + "/approve", fixture.approver("dba"), "{}").statusCode()).isEqualTo(403);
    }

    @Test
    void noPartyOfTheRequestersDelegationChainCanApproveIt() {
        // alice's token, exchanged by orchestrator-dba and handed on to agent:writer, which acts now
        String delegated = fixture.idp.token().subject("alice").groups("order-writers")
                .delegation("agent:writer", "orchestrator-dba").sign();
        String id = create(delegated);
        JsonNode requester = json(fixture.get("/v1/approvals/" + id, delegated)).get("requester");
        assertThat(requester.get("subject").asText()).isEqualTo("agent:writer");
        assertThat(requester.get("onBehalfOf").asText()).isEqualTo("alice");
        assertThat(requester.get("delegation").toString()).isEqualTo("[\"agent:writer\",\"orchestrator-dba\"]");
        for (String party : new String[] {"alice", "agent:writer", "orchestrator-dba"}) {
            String approver = fixture.idp.token().subject(party).groups("governed-approvers", "dba").sign();
            HttpResponse<String> refused = fixture.postJson("/v1/approvals/" + id + "/approve", approver, "{}");
            assertThat(refused.statusCode()).as(party).isEqualTo(403);
            assertThat(refused.body()).contains("cannot decide it");
        }
        // nor through a delegated token of its own whose chain holds one of them
        String viaParty = fixture.idp.token().subject("dave-dba").groups("governed-approvers", "dba")
                .delegation("dba-bot", "orchestrator-dba").sign();
        HttpResponse<String> throughChain = fixture.postJson("/v1/approvals/" + id + "/approve", viaParty, "{}");
        assertThat(throughChain.statusCode()).isEqualTo(403);
        assertThat(throughChain.body()).contains("cannot decide it");
        assertThat(json(fixture.get("/v1/approvals/" + id, delegated)).get("status").asText()).isEqualTo("pending");
        HttpResponse<String> outsider = fixture.postJson("/v1/approvals/" + id + "/approve", fixture.approver("dba"), "{}");
        assertThat(outsider.statusCode()).as(outsider.body()).isEqualTo(200);
    }

    @Test
    void denialNeedsAReasonAndIsFinal() {
        String id = create(writer());
        String approver = fixture.approver("dba");
        assertThat(fixture.postJson("/v1/approvals/" + id + "/deny", approver, "{}").statusCode()).isEqualTo(400);
        HttpResponse<String> denied = fixture.postJson("/v1/approvals/" + id + "/deny", approver, "{\"reason\":\"not during freeze\"}");
        assertThat(json(denied).get("status").asText()).isEqualTo("denied");
        assertThat(json(denied).get("reason").asText()).isEqualTo("not during freeze");
        HttpResponse<String> late = fixture.postJson("/v1/approvals/" + id + "/approve", approver, "{}");
        assertThat(late.statusCode()).isEqualTo(409);
        assertThat(late.body()).contains("denied");
    }

    @Test
    void longPollReturnsAsSoonAsTheRequestIsDecided() throws Exception {
        String writer = writer();
        String id = create(writer);
        long started = System.nanoTime();
        CompletableFuture<HttpResponse<String>> wait = CompletableFuture.supplyAsync(() -> fixture.get("/v1/approvals/" + id + "/wait?timeout=20", writer));
        Thread.sleep(300);
        assertThat(wait).isNotDone();
        fixture.postJson("/v1/approvals/" + id + "/approve", fixture.approver("dba"), "{\"reason\":\"ok\"}");
        HttpResponse<String> response = wait.get();
        assertThat(json(response).get("status").asText()).isEqualTo("approved");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void longPollTimesOutWithThePendingRecord() {
        String writer = writer();
        String id = create(writer);
        HttpResponse<String> response = fixture.get("/v1/approvals/" + id + "/wait?timeout=1", writer);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response).get("status").asText()).isEqualTo("pending");
    }

    @Test
    void pendingRequestExpires() {
        String writer = writer();
        String id = create(writer);
        CLOCK.advance(Duration.ofHours(2));
        assertThat(json(fixture.get("/v1/approvals/" + id, writer)).get("status").asText()).isEqualTo("expired");
        HttpResponse<String> late = fixture.postJson("/v1/approvals/" + id + "/approve", fixture.approver("dba"), "{}");
        assertThat(late.statusCode()).isEqualTo(409);
    }

    @Test
    void onceApprovalIsUsedOnceAndTheSameRequestIsNotDuplicated() {
        String writer = writer();
        String body = request("order-writes-need-approval", "prod");
        HttpResponse<String> first = fixture.postJson("/v1/approvals", writer, body);
        HttpResponse<String> again = fixture.postJson("/v1/approvals", writer, body);
        assertThat(again.statusCode()).isEqualTo(200);
        String id = json(first).get("id").asText();
        assertThat(json(again).get("id").asText()).isEqualTo(id);
        fixture.postJson("/v1/approvals/" + id + "/approve", fixture.approver("dba"), "{}");
        assertThat(fixture.postJson("/v1/approvals/" + id + "/consume", fixture.agent("agent:thief", "order-writers"), "").statusCode())
                .isEqualTo(403);
        assertThat(json(fixture.postJson("/v1/approvals/" + id + "/consume", writer, "")).get("status").asText()).isEqualTo("consumed");
        assertThat(fixture.postJson("/v1/approvals/" + id + "/consume", writer, "").statusCode()).isEqualTo(409);
        assertThat(json(fixture.postJson("/v1/approvals", writer, body)).get("id").asText()).isNotEqualTo(id);
    }

    @Test
    void windowApprovalCoversOtherStatementsOfTheRuleUntilItIsRevoked() {
        String writer = fixture.agent("agent:refunds", "order-writers");
        HttpResponse<String> created = fixture.postJson("/v1/approvals", writer, request("refunds-window", null));
        String id = json(created).get("id").asText();
        fixture.postJson("/v1/approvals/" + id + "/approve", fixture.approver("dba"), "{}");
        HttpResponse<String> other = fixture.postJson("/v1/approvals", writer, request("refunds-window", null));
        assertThat(json(other).get("id").asText()).isEqualTo(id);
        assertThat(json(other).get("status").asText()).isEqualTo("approved");
        assertThat(fixture.postJson("/v1/approvals/" + id + "/consume", writer, "").statusCode()).isEqualTo(200);
        HttpResponse<String> revoked = fixture.postJson("/v1/approvals/" + id + "/revoke", fixture.approver("dba"), "{\"reason\":\"incident\"}");
        assertThat(json(revoked).get("status").asText()).isEqualTo("revoked");
        assertThat(fixture.postJson("/v1/approvals/" + id + "/consume", writer, "").statusCode()).isEqualTo(409);
    }

    @Test
    void windowGrantForOneUserDoesNotCoverTheAgentActingForAnother() {
        String forAlice = fixture.idp.token().subject("alice").groups("order-writers").actor("agent:assistant-2").sign();
        String forBob = fixture.idp.token().subject("bob").groups("order-writers").actor("agent:assistant-2").sign();
        String id = json(fixture.postJson("/v1/approvals", forAlice, request("refunds-window", null))).get("id").asText();
        fixture.postJson("/v1/approvals/" + id + "/approve", fixture.approver("dba"), "{}");
        HttpResponse<String> bob = fixture.postJson("/v1/approvals", forBob, request("refunds-window", null));
        assertThat(bob.statusCode()).isEqualTo(201);
        assertThat(json(bob).get("status").asText()).isEqualTo("pending");
        assertThat(json(fixture.postJson("/v1/approvals", forAlice, request("refunds-window", null))).get("id").asText()).isEqualTo(id);
    }

    @Test
    void badRequestsAreRefusedAndNothingIsStored() {
        String writer = fixture.agent("agent:sloppy", "order-writers");
        String valid = request("order-writes-need-approval", "prod");
        assertThat(fixture.postJson("/v1/approvals", writer, valid.replace("{", "{\"approverGroups\":[\"order-writers\"],")).body())
                .contains("unknown field 'approverGroups'");
        assertThat(fixture.postJson("/v1/approvals", writer, valid.replace("\"statement\"", "\"statementX\"")).statusCode()).isEqualTo(400);
        assertThat(fixture.postJson("/v1/approvals", writer, "{\"statement\":").statusCode()).isEqualTo(400);
        assertThat(fixture.post("/v1/approvals", writer, "text/plain", valid).statusCode()).isEqualTo(415);
        HttpResponse<String> allowRule = fixture.postJson("/v1/approvals", writer, request("support-read", "prod"));
        assertThat(allowRule.statusCode()).isEqualTo(400);
        assertThat(allowRule.body()).contains("no rule 'support-read' with effect approve");
        HttpResponse<String> notApplicable = fixture.postJson("/v1/approvals", writer, request("order-writes-need-approval", "staging"));
        assertThat(notApplicable.statusCode()).isEqualTo(400);
        assertThat(notApplicable.body()).contains("does not apply");
        assertThat(json(fixture.get("/v1/approvals", writer)).get("approvals")).isEmpty();
    }

    @Test
    void requestsAreVisibleToTheRequesterAndTheRulesApproversOnly() {
        String id = create(writer());
        assertThat(fixture.get("/v1/approvals/" + id, fixture.agent("agent:stranger", "order-writers")).statusCode()).isEqualTo(404);
        assertThat(fixture.get("/v1/approvals/" + id, fixture.approver("finance")).statusCode()).isEqualTo(404);
        assertThat(fixture.get("/v1/approvals/" + id, fixture.approver("dba")).statusCode()).isEqualTo(200);
        JsonNode pending = json(fixture.get("/v1/approvals?status=pending", fixture.approver("dba"))).get("approvals");
        assertThat(pending.findValuesAsText("id")).contains(id);
        assertThat(json(fixture.get("/v1/approvals?status=pending", fixture.approver("finance"))).get("approvals")).isEmpty();
    }

    @Test
    void decisionsAreAudited() {
        String id = create(writer());
        fixture.postJson("/v1/approvals/" + id + "/approve", fixture.approver("dba"), "{\"reason\":\"audited\"}");
        JsonNode events = json(fixture.get("/v1/audit/events?kind=admin&subject=dave-dba&limit=1000", fixture.auditor())).get("events");
        assertThat(events.findValuesAsText("operation")).contains("approval.approve");
        assertThat(events.toString()).contains("approval:" + id);
    }
}
