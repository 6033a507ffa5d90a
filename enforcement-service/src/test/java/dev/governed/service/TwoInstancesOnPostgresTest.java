package dev.governed.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import dev.governed.service.web.Json;
import dev.governed.testsupport.PostgresFixture;
import dev.governed.testsupport.TestIdentityProvider;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Two service instances on one real PostgreSQL behave as one service: same policy, approvals, audit, keys and profiles. */
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class TwoInstancesOnPostgresTest {
    static TestIdentityProvider idp;
    static ServiceFixture a;
    static ServiceFixture b;

    @BeforeAll
    static void start() throws Exception {
        PostgresFixture postgres = PostgresFixture.shared();
        postgres.newDatabase("service_two_instances");
        String url = postgres.jdbcUrl("service_two_instances");
        idp = TestIdentityProvider.served();
        // Started at the same time: Flyway's lock must serialise the migration.
        CompletableFuture<ServiceFixture> first = CompletableFuture.supplyAsync(() -> ServiceFixture.start(idp, false,
                c -> c.databaseUrl(url).databaseUser(postgres.user()).databasePassword(postgres.password()).databasePoolSize(4)));
        CompletableFuture<ServiceFixture> second = CompletableFuture.supplyAsync(() -> ServiceFixture.start(idp, false,
                c -> c.databaseUrl(url).databaseUser(postgres.user()).databasePassword(postgres.password()).databasePoolSize(4)));
        a = first.get();
        b = second.get();
    }

    @AfterAll
    static void stop() {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
        idp.close();
    }

    static JsonNode json(HttpResponse<String> response) {
        return Json.readTree(response.body(), "response");
    }

    static void activatePolicyOnA() {
        HttpResponse<String> upload = a.post("/v1/policies?activate=true", a.admin(), "application/yaml", Policies.text("orders-v7.yaml"));
        assertThat(upload.statusCode()).isIn(200, 201);
    }

    @Test
    @org.junit.jupiter.api.Order(1)
    void firstActivationOnBothInstancesAtOnceSucceedsOnBoth() throws Exception {
        assertThat(a.post("/v1/policies", a.admin(), "application/yaml", Policies.text("orders-v7.yaml")).statusCode()).isEqualTo(201);
        CompletableFuture<HttpResponse<String>> onA = CompletableFuture.supplyAsync(() -> a.postJson("/v1/policies/7/activate", a.admin(), ""));
        CompletableFuture<HttpResponse<String>> onB = CompletableFuture.supplyAsync(() -> b.postJson("/v1/policies/7/activate", b.admin(), ""));
        assertThat(onA.get().statusCode()).as(onA.get().body()).isEqualTo(200);
        assertThat(onB.get().statusCode()).as(onB.get().body()).isEqualTo(200);
    }

    @Test
    void policyActivatedOnOneInstanceIsServedByTheOther() throws Exception {
        activatePolicyOnA();
        String agent = b.agent("agent:support", "support-agents");
        HttpResponse<String> fromB = PolicyApiContract.waitForVersion(
                b.request("/v1/policies/effective?resource=orders-db&environment=prod", agent).GET().build(), "7");
        HttpResponse<String> fromA = a.get("/v1/policies/effective?resource=orders-db&environment=prod", agent);
        assertThat(fromB.statusCode()).isEqualTo(200);
        assertThat(fromB.body()).isEqualTo(fromA.body());
        assertThat(fromB.headers().firstValue("ETag")).isEqualTo(fromA.headers().firstValue("ETag"));

        assertThat(a.get("/v1/keys", null).body()).isEqualTo(b.get("/v1/keys", null).body());
        HttpResponse<String> signed = ServiceFixture.send(b.request("/v1/policies/effective?resource=orders-db&environment=prod", agent)
                .header("Accept", "application/jose").GET().build());
        JWSObject jws = JWSObject.parse(signed.body());
        ECKey key = (ECKey) JWKSet.parse(a.get("/v1/keys", null).body()).getKeyByKeyId(jws.getHeader().getKeyID());
        assertThat(jws.verify(new ECDSAVerifier(key))).isTrue();
    }

    @Test
    void approvalRequestedOnOneInstanceIsDecidedOnTheOtherAndTheWaiterSeesIt() throws Exception {
        activatePolicyOnA();
        String writer = a.agent("agent:writer", "order-writers");
        HttpResponse<String> created = a.postJson("/v1/approvals", writer, ApprovalApiContract.request("order-writes-need-approval", "prod"));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String id = json(created).get("id").asText();
        CompletableFuture<HttpResponse<String>> wait = CompletableFuture.supplyAsync(() -> a.get("/v1/approvals/" + id + "/wait?timeout=10", writer));
        Thread.sleep(200);
        HttpResponse<String> approved = b.postJson("/v1/approvals/" + id + "/approve", b.approver("dba"), "{\"reason\":\"on b\"}");
        assertThat(approved.statusCode()).as(approved.body()).isEqualTo(200);
        JsonNode seen = json(wait.get());
        assertThat(seen.get("status").asText()).isEqualTo("approved");
        assertThat(seen.get("reason").asText()).isEqualTo("on b");
    }

    @Test
    void racingApproversOnBothInstancesDecideOnce() throws Exception {
        activatePolicyOnA();
        String id = json(a.postJson("/v1/approvals", a.agent("agent:racer", "order-writers"),
                ApprovalApiContract.request("order-writes-need-approval", "prod"))).get("id").asText();
        CompletableFuture<HttpResponse<String>> onA = CompletableFuture.supplyAsync(
                () -> a.postJson("/v1/approvals/" + id + "/approve", a.approver("dba"), "{}"));
        CompletableFuture<HttpResponse<String>> onB = CompletableFuture.supplyAsync(
                () -> b.postJson("/v1/approvals/" + id + "/deny", b.approver("dba"), "{\"reason\":\"no\"}"));
        List<Integer> statuses = List.of(onA.get().statusCode(), onB.get().statusCode());
        assertThat(statuses).containsExactlyInAnyOrder(200, 409);
    }

    @Test
    void sameAuditBatchUploadedToBothInstancesIsStoredOnce() throws Exception {
        String stream = UUID.randomUUID().toString();
        String batch = AuditEvents.array(AuditEvents.chain(stream, 50, "agent:twice", "allow"));
        String agent = a.agent("agent:twice");
        CompletableFuture<HttpResponse<String>> toA = CompletableFuture.supplyAsync(() -> a.postJson("/v1/audit/events", agent, batch));
        CompletableFuture<HttpResponse<String>> toB = CompletableFuture.supplyAsync(() -> b.postJson("/v1/audit/events", agent, batch));
        JsonNode resultA = json(toA.get());
        JsonNode resultB = json(toB.get());
        assertThat(resultA.get("accepted").asInt() + resultB.get("accepted").asInt()).isEqualTo(50);
        assertThat(resultA.get("duplicates").asInt() + resultB.get("duplicates").asInt()).isEqualTo(50);
        JsonNode status = json(b.get("/v1/audit/streams/" + stream, b.auditor()));
        assertThat(status.get("events").asLong()).isEqualTo(50);
        assertThat(status.get("intact").asBoolean()).isTrue();
        assertThat(a.get("/v1/audit/export?format=jsonl&stream=" + stream, a.auditor()).body().split("\n")).hasSize(50);
    }

    @Test
    void connectionProfileStoredThroughOneInstanceResolvesOnTheOther() {
        HttpResponse<String> put = a.putJson("/v1/connections/shared", a.admin(),
                "{\"url\":\"jdbc:postgresql://db/shared\",\"user\":\"app\",\"password\":\"pw-123\",\"credentials\":\"static\",\"allowed\":{\"groups\":[\"order-writers\"]}}");
        assertThat(put.statusCode()).isIn(200, 201);
        HttpResponse<String> resolved = b.get("/v1/connections/shared", b.agent("agent:writer", "order-writers"));
        assertThat(json(resolved).get("password").asText()).isEqualTo("pw-123");
    }
}
