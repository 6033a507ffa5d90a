package dev.governed.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import dev.governed.policy.PolicyDocument;
import dev.governed.policy.PolicyDocuments;
import dev.governed.service.web.Json;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class PolicyApiContract {
    ServiceFixture fixture;

    /** Starts the service under test on its database. */
    abstract ServiceFixture startFixture();

    @BeforeAll
    void start() {
        fixture = startFixture();
    }

    @AfterAll
    void stop() {
        fixture.close();
    }

    static JsonNode json(HttpResponse<String> response) {
        return Json.readTree(response.body(), "response");
    }

    static String effectivePath(String resource, String environment) {
        return "/v1/policies/effective?resource=" + resource + (environment == null ? "" : "&environment=" + environment);
    }

    @Test
    @Order(1)
    void noActivePolicyIsA404ThatSaysWhatToDo() {
        HttpResponse<String> response = fixture.get(effectivePath("orders-db", "prod"), fixture.agent("agent:early", "support-agents"));
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).contains("no_active_policy").contains("POST /v1/policies");
    }

    @Test
    @Order(2)
    void invalidDocumentIsA400NamingTheProblemAndNothingIsStored() {
        String admin = fixture.admin();
        String unknownKey = Policies.text("orders-v7.yaml").replace("  - id: support-read\n", "  - id: support-read\n    colour: red\n");
        HttpResponse<String> response = fixture.post("/v1/policies", admin, "application/yaml", unknownKey);
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("invalid_policy").contains("colour");
        HttpResponse<String> malformed = fixture.post("/v1/policies", admin, "application/json", "{\"version\": 3, ");
        assertThat(malformed.statusCode()).isEqualTo(400);
        HttpResponse<String> wrongType = fixture.post("/v1/policies", admin, "text/plain", Policies.text("orders-v7.yaml"));
        assertThat(wrongType.statusCode()).isEqualTo(415);
        HttpResponse<String> huge = fixture.post("/v1/policies", admin, "application/yaml",
                Policies.text("orders-v7.yaml") + "#" + "x".repeat(2 * 1024 * 1024));
        assertThat(huge.statusCode()).isEqualTo(413);
        assertThat(json(fixture.get("/v1/policies", admin)).get("versions")).isEmpty();
    }

    @Test
    @Order(3)
    void onlyAdminsUploadPolicies() {
        String text = Policies.text("orders-v7.yaml");
        assertThat(fixture.post("/v1/policies", fixture.approver("dba"), "application/yaml", text).statusCode()).isEqualTo(403);
        assertThat(fixture.post("/v1/policies", fixture.agent("agent:billing", "support-agents"), "application/yaml", text).statusCode())
                .isEqualTo(403);
        assertThat(fixture.post("/v1/policies", fixture.auditor(), "application/yaml", text).statusCode()).isEqualTo(403);
        assertThat(json(fixture.get("/v1/policies", fixture.admin())).get("versions")).isEmpty();
    }

    @Test
    @Order(4)
    void uploadActivateAndServeTheEffectiveDocument() {
        String admin = fixture.admin();
        HttpResponse<String> upload = fixture.post("/v1/policies", admin, "application/yaml", Policies.text("orders-v7.yaml"));
        assertThat(upload.statusCode()).isEqualTo(201);
        assertThat(json(upload).get("version").asLong()).isEqualTo(7);
        assertThat(json(upload).get("active").asBoolean()).isFalse();
        HttpResponse<String> again = fixture.post("/v1/policies", admin, "application/yaml", Policies.text("orders-v7.yaml"));
        assertThat(again.statusCode()).isEqualTo(200);
        String changedSameVersion = Policies.text("orders-v8.yaml").replace("version: 8", "version: 7");
        assertThat(fixture.post("/v1/policies", admin, "application/yaml", changedSameVersion).statusCode()).isEqualTo(409);

        assertThat(fixture.postJson("/v1/policies/7/activate", admin, "").statusCode()).isEqualTo(200);
        String support = fixture.agent("agent:support", "support-agents");
        HttpResponse<String> served = fixture.get(effectivePath("orders-db", "prod"), support);
        assertThat(served.statusCode()).isEqualTo(200);
        assertThat(served.headers().firstValue("Governed-Policy-Version")).hasValue("7");
        PolicyDocument document = PolicyDocuments.parse(served.body(), "served");
        assertThat(document.version()).isEqualTo(7);
        assertThat(document.rules()).extracting(r -> r.id())
                .containsExactlyInAnyOrder("support-read", "no-destructive-ddl", "order-writes-need-approval", "refunds-window");
        assertThat(document.masks()).hasSize(2);
    }

    @Test
    @Order(5)
    void effectiveDocumentHoldsOnlyRulesThatCanMatchTheCaller() {
        String billing = fixture.agent("agent:billing", "billing-agents");
        PolicyDocument staging = PolicyDocuments.parse(fixture.get(effectivePath("orders-db", "staging"), billing).body(), "served");
        assertThat(staging.rules()).extracting(r -> r.id()).containsExactlyInAnyOrder("billing-read", "no-destructive-ddl", "refunds-window");
        PolicyDocument otherResource = PolicyDocuments.parse(fixture.get(effectivePath("crm-db", null), billing).body(), "served");
        assertThat(otherResource.rules()).extracting(r -> r.id()).containsExactly("no-destructive-ddl");
        String compliance = fixture.agent("agent:compliance", "compliance");
        PolicyDocument exempt = PolicyDocuments.parse(fixture.get(effectivePath("orders-db", "prod"), compliance).body(), "served");
        assertThat(exempt.masks()).hasSize(1);
        assertThat(fixture.get("/v1/policies/effective", billing).statusCode()).isEqualTo(400);
    }

    @Test
    @Order(6)
    void etagAnswers304UntilTheActivePolicyChanges() throws Exception {
        String support = fixture.agent("agent:support", "support-agents");
        HttpResponse<String> first = fixture.get(effectivePath("orders-db", "prod"), support);
        String etag = first.headers().firstValue("ETag").orElseThrow();
        HttpRequest conditional = fixture.request(effectivePath("orders-db", "prod"), support).header("If-None-Match", etag).GET().build();
        HttpResponse<String> notModified = ServiceFixture.send(conditional);
        assertThat(notModified.statusCode()).isEqualTo(304);
        assertThat(notModified.body()).isEmpty();

        String admin = fixture.admin();
        assertThat(fixture.post("/v1/policies?activate=true", admin, "application/yaml", Policies.text("orders-v8.yaml")).statusCode())
                .isEqualTo(201);
        HttpResponse<String> changed = waitForVersion(conditional, "8");
        assertThat(changed.statusCode()).isEqualTo(200);
        assertThat(changed.headers().firstValue("ETag").orElseThrow()).isNotEqualTo(etag);
        assertThat(changed.body()).contains("(v8)");
    }

    @Test
    @Order(7)
    void rollbackReturnsToThePreviousActivation() throws Exception {
        String admin = fixture.admin();
        HttpResponse<String> rollback = fixture.postJson("/v1/policies/rollback", admin, "");
        assertThat(rollback.statusCode()).isEqualTo(200);
        assertThat(json(rollback).get("version").asLong()).isEqualTo(7);
        HttpRequest request = fixture.request(effectivePath("orders-db", "prod"), fixture.agent("agent:support", "support-agents")).GET().build();
        assertThat(waitForVersion(request, "7").body()).doesNotContain("(v8)");
        JsonNode list = json(fixture.get("/v1/policies", fixture.auditor()));
        assertThat(list.get("active").asLong()).isEqualTo(7);
        assertThat(list.get("versions")).hasSize(2);
        assertThat(fixture.get("/v1/policies/8", fixture.auditor()).body()).contains("version: 8");
        assertThat(fixture.postJson("/v1/policies/99/activate", admin, "").statusCode()).isEqualTo(404);
        HttpResponse<String> again = fixture.postJson("/v1/policies/rollback", admin, "");
        assertThat(again.statusCode()).as("nothing was active before 7: a rollback walks back, it does not toggle").isEqualTo(409);
        assertThat(json(fixture.get("/v1/policies", fixture.auditor())).get("active").asLong()).isEqualTo(7);
    }

    @Test
    @Order(8)
    void signedDocumentVerifiesWithThePublishedKeyAndIsBoundToTheCaller() throws Exception {
        HttpRequest request = fixture.request(effectivePath("orders-db", "prod"), fixture.agent("agent:support", "support-agents"))
                .header("Accept", "application/jose").GET().build();
        HttpResponse<String> response = ServiceFixture.send(request);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/jose");
        JWKSet keys = JWKSet.parse(fixture.get("/v1/keys", null).body());
        assertThat(keys.getKeys()).allSatisfy(k -> assertThat(k.isPrivate()).isFalse());
        JWSObject jws = JWSObject.parse(response.body());
        ECKey key = (ECKey) keys.getKeyByKeyId(jws.getHeader().getKeyID());
        assertThat(jws.verify(new ECDSAVerifier(key))).isTrue();
        assertThat(jws.getHeader().getCustomParam("governed.sub")).isEqualTo("agent:support");
        assertThat(jws.getHeader().getCustomParam("governed.resource")).isEqualTo("orders-db");
        assertThat(PolicyDocuments.parse(jws.getPayload().toString(), "signed").version()).isEqualTo(7);
        String[] parts = response.body().split("\\.");
        String tampered = parts[0] + "." + java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString(jws.getPayload().toString().replace("deny", "allow").getBytes()) + "." + parts[2];
        assertThat(JWSObject.parse(tampered).verify(new ECDSAVerifier(key))).isFalse();
    }

    @Test
    @Order(9)
    void adminActionsAreThemselvesAudited() {
        JsonNode events = json(fixture.get("/v1/audit/events?kind=admin&limit=1000", fixture.auditor())).get("events");
        assertThat(events.findValuesAsText("operation")).contains("policy.upload", "policy.activate", "policy.rollback");
        assertThat(events.findValuesAsText("subject")).contains("alice-admin", "dave-dba");
        JsonNode status = json(fixture.get("/v1/audit/streams/" + fixture.service.auditStream(), fixture.auditor()));
        assertThat(status.get("intact").asBoolean()).isTrue();
        assertThat(status.get("lastCheckpoint").get("signature").asText()).isEqualTo("valid");
    }

    @Test
    @Order(10)
    void exportedAdminTrailVerifiesWithTheServiceKeyAndNotWithAnother(@TempDir Path exportDir) throws Exception {
        HttpResponse<String> export = fixture.get("/v1/audit/export?format=jsonl&stream=" + fixture.service.auditStream(), fixture.auditor());
        Path file = java.nio.file.Files.writeString(exportDir.resolve("admin.jsonl"), export.body());
        JWKSet keys = JWKSet.parse(fixture.get("/v1/keys", null).body());
        var result = dev.governed.audit.verify.AuditVerifier.trusting(keys).verify(file);
        assertThat(result.intact()).as(result.summary()).isTrue();
        assertThat(result.checkpointsSigned()).isPositive();
        JWKSet stranger = new JWKSet(new com.nimbusds.jose.jwk.gen.ECKeyGenerator(com.nimbusds.jose.jwk.Curve.P_256)
                .keyID(keys.getKeys().get(0).getKeyID()).generate().toPublicJWK());
        assertThat(dev.governed.audit.verify.AuditVerifier.trusting(stranger).verify(file).intact()).isFalse();
    }

    /** Activations reach an instance within its active-policy cache TTL (1 s by default). */
    static HttpResponse<String> waitForVersion(HttpRequest request, String version) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        HttpResponse<String> response;
        do {
            response = ServiceFixture.send(request);
            if (version.equals(response.headers().firstValue("Governed-Policy-Version").orElse(null)) && response.statusCode() == 200) {
                return response;
            }
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        return response;
    }
}
