package dev.governed.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.governed.service.web.Json;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AuditApiContract {
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

    @Test
    void ingestIsIdempotentByEventId() {
        String stream = UUID.randomUUID().toString();
        List<String> events = AuditEvents.chain(stream, 5, "agent:idem", "allow");
        String agent = fixture.agent("agent:idem", "support-agents");
        HttpResponse<String> first = fixture.postJson("/v1/audit/events", agent, AuditEvents.array(events));
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(json(first).get("accepted").asInt()).isEqualTo(5);
        HttpResponse<String> again = fixture.post("/v1/audit/events", agent, "application/x-ndjson", AuditEvents.lines(events));
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(json(again).get("accepted").asInt()).isZero();
        assertThat(json(again).get("duplicates").asInt()).isEqualTo(5);
        JsonNode status = json(fixture.get("/v1/audit/streams/" + stream, fixture.auditor()));
        assertThat(status.get("events").asLong()).isEqualTo(5);
        assertThat(status.get("intact").asBoolean()).isTrue();
    }

    @Test
    void sameIdWithDifferentContentIsAConflictAndNotStored() {
        String stream = UUID.randomUUID().toString();
        List<String> events = AuditEvents.chain(stream, 2, "agent:conflict", "allow");
        String agent = fixture.agent("agent:conflict");
        fixture.postJson("/v1/audit/events", agent, AuditEvents.array(events));
        String changed = events.get(1).replace("SELECT * FROM customers", "SELECT 1");
        HttpResponse<String> response = fixture.postJson("/v1/audit/events", agent, "[" + changed + "]");
        assertThat(response.statusCode()).isEqualTo(409);
        assertThat(json(response).get("conflicts").toString()).contains(Json.readTree(events.get(1), "e").get("id").asText());
        HttpResponse<String> query = fixture.get("/v1/audit/events?stream=" + stream, fixture.auditor());
        assertThat(query.body()).doesNotContain("SELECT 1").contains("SELECT * FROM customers");
    }

    @Test
    void gapsAreFlaggedAtIngestAndInChainStatus() {
        String stream = UUID.randomUUID().toString();
        List<String> events = AuditEvents.chain(stream, 6, "agent:gappy", "allow");
        List<String> withHole = new ArrayList<>(events);
        withHole.remove(3); // seq 4 never arrives
        HttpResponse<String> response = fixture.postJson("/v1/audit/events", fixture.agent("agent:gappy"), AuditEvents.array(withHole));
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode gaps = json(response).get("gaps");
        assertThat(gaps).hasSize(1);
        assertThat(gaps.get(0).get("seq").asLong()).isEqualTo(5);
        assertThat(gaps.get(0).get("kind").asText()).isEqualTo("missing-predecessor");
        JsonNode status = json(fixture.get("/v1/audit/streams/" + stream, fixture.auditor()));
        assertThat(status.get("intact").asBoolean()).isFalse();
        assertThat(status.get("missing").toString()).contains("\"4\"");
        // the late event closes the gap
        fixture.postJson("/v1/audit/events", fixture.agent("agent:gappy"), "[" + events.get(3) + "]");
        assertThat(json(fixture.get("/v1/audit/streams/" + stream, fixture.auditor())).get("intact").asBoolean()).isTrue();
    }

    @Test
    void changedEventIsStoredButFlaggedAsInvalidHash() {
        String stream = UUID.randomUUID().toString();
        List<String> events = new ArrayList<>(AuditEvents.chain(stream, 3, "agent:tamper", "deny"));
        events.set(1, events.get(1).replace("\"deny\"", "\"allow\""));
        HttpResponse<String> response = fixture.postJson("/v1/audit/events", fixture.agent("agent:tamper"), AuditEvents.array(events));
        assertThat(json(response).get("invalidHashes")).hasSize(1);
        JsonNode status = json(fixture.get("/v1/audit/streams/" + stream, fixture.auditor()));
        assertThat(status.get("intact").asBoolean()).isFalse();
        assertThat(status.get("invalidHashes").toString()).isEqualTo("[2]");
    }

    @Test
    void malformedBatchStoresNothing() {
        String stream = UUID.randomUUID().toString();
        List<String> events = AuditEvents.chain(stream, 3, "agent:bad", "allow");
        String agent = fixture.agent("agent:bad");
        String unknownField = events.get(2).replaceFirst("\\{", "{\"sneaky\":1,");
        HttpResponse<String> response = fixture.postJson("/v1/audit/events", agent,
                "[" + events.get(0) + "," + events.get(1) + "," + unknownField + "]");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("unknown field 'sneaky'").contains("event [2]");
        HttpResponse<String> notJson = fixture.post("/v1/audit/events", agent, "application/x-ndjson", events.get(0) + "\n{oops\n");
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(notJson.body()).contains("line 2");
        String twice = events.get(1).replaceFirst("\\{", "{\"id\":\"forged\",");
        HttpResponse<String> duplicate = fixture.post("/v1/audit/events", agent, "application/x-ndjson", events.get(0) + "\n" + twice);
        assertThat(duplicate.statusCode()).as("a field given twice means different things to different readers").isEqualTo(400);
        HttpResponse<String> trailing = fixture.post("/v1/audit/events", agent, "application/x-ndjson", events.get(0) + " {}");
        assertThat(trailing.statusCode()).isEqualTo(400);
        HttpResponse<String> wrongType = fixture.post("/v1/audit/events", agent, "text/plain", AuditEvents.array(events));
        assertThat(wrongType.statusCode()).isEqualTo(415);
        assertThat(fixture.get("/v1/audit/streams/" + stream, fixture.auditor()).statusCode()).isEqualTo(404);
    }

    @Test
    void bodyOverTheLimitIsRefusedWith413() {
        String huge = "[" + "\"x\",".repeat(5_000_000) + "\"x\"]";
        HttpResponse<String> response = fixture.postJson("/v1/audit/events", fixture.agent("agent:huge"), huge);
        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.body()).contains("payload_too_large");
    }

    @Test
    void queryFiltersAndPages() {
        String stream = UUID.randomUUID().toString();
        String agent = fixture.agent("agent:pager");
        fixture.postJson("/v1/audit/events", agent, AuditEvents.array(AuditEvents.chain(stream, 7, "agent:pager", "deny")));
        String auditor = fixture.auditor();
        JsonNode page1 = json(fixture.get("/v1/audit/events?subject=agent:pager&decision=deny&limit=3", auditor));
        assertThat(page1.get("events")).hasSize(3);
        JsonNode page2 = json(fixture.get("/v1/audit/events?subject=agent:pager&decision=deny&limit=3&after=" + page1.get("next").asText(), auditor));
        JsonNode page3 = json(fixture.get("/v1/audit/events?subject=agent:pager&decision=deny&limit=3&after=" + page2.get("next").asText(), auditor));
        assertThat(page2.get("events")).hasSize(3);
        assertThat(page3.get("events")).hasSize(1);
        assertThat(page3.get("next").isNull()).isTrue();
        assertThat(page1.get("events").get(0).get("chain").get("seq").asLong()).isEqualTo(1);
        assertThat(page3.get("events").get(0).get("chain").get("seq").asLong()).isEqualTo(7);
        JsonNode timed = json(fixture.get("/v1/audit/events?subject=agent:pager&from=2026-11-22T01:00:02Z&to=2026-11-22T01:00:04Z", auditor));
        assertThat(timed.get("events")).hasSize(2);
        assertThat(json(fixture.get("/v1/audit/events?subject=agent:pager&decision=allow", auditor)).get("events")).isEmpty();
        assertThat(fixture.get("/v1/audit/events?from=yesterday", auditor).statusCode()).isEqualTo(400);
    }

    @Test
    void exportsJsonCsvAndOcsfWithTheAuditSpiFormats() {
        String stream = UUID.randomUUID().toString();
        List<String> events = AuditEvents.chain(stream, 2, "=cmd|' /C calc'!A0", "allow");
        fixture.postJson("/v1/audit/events", fixture.agent("agent:export"), AuditEvents.array(events));
        String auditor = fixture.auditor();
        HttpResponse<String> json = fixture.get("/v1/audit/export?format=json&stream=" + stream, auditor);
        assertThat(json.body().split("\n")).containsExactlyElementsOf(events);
        HttpResponse<String> jsonl = fixture.get("/v1/audit/export?format=jsonl&stream=" + stream, auditor);
        assertThat(jsonl.body().split("\n")).containsExactlyElementsOf(events);
        HttpResponse<String> csv = fixture.get("/v1/audit/export?format=csv&stream=" + stream, auditor);
        assertThat(csv.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
        assertThat(csv.body().trim().split("\r?\n")).hasSize(3);
        assertThat(csv.body()).contains("'=cmd").doesNotContain(",=cmd");
        String[] ocsf = fixture.get("/v1/audit/export?format=ocsf&stream=" + stream, auditor).body().trim().split("\n");
        assertThat(ocsf).hasSize(2);
        JsonNode first = Json.readTree(ocsf[0], "ocsf");
        assertThat(first.get("class_uid").asInt()).isEqualTo(6005);
        assertThat(first.toString()).contains("SELECT * FROM customers");
        assertThat(fixture.get("/v1/audit/export?format=xml", auditor).statusCode()).isEqualTo(400);
    }

    @Test
    void checkpointSignaturesAreCheckedAgainstTheTrustedAgentKeys() throws Exception {
        String stream = UUID.randomUUID().toString();
        List<String> events = AuditEvents.chain(stream, 3, "agent:signer", "allow");
        String head = Json.readTree(events.get(2), "e").get("chain").get("hash").asText();
        var signer = dev.governed.audit.chain.CheckpointSigner.fromJwk(ServiceFixture.AGENT_AUDIT_KEY);
        String good = signer.sign(stream, 3, head, java.time.Instant.now()).toJson();
        String agent = fixture.agent("agent:signer");
        HttpResponse<String> upload = fixture.post("/v1/audit/events", agent, "application/x-ndjson", AuditEvents.lines(events) + good + "\n");
        assertThat(json(upload).get("checkpoints").asInt()).isEqualTo(1);
        assertThat(json(upload).get("invalidSignatures")).isEmpty();
        JsonNode status = json(fixture.get("/v1/audit/streams/" + stream, fixture.auditor()));
        assertThat(status.get("lastCheckpoint").get("signature").asText()).isEqualTo("valid");
        assertThat(status.get("intact").asBoolean()).isTrue();

        // same kid, another key: a forged checkpoint
        var forger = dev.governed.audit.chain.CheckpointSigner.fromJwk(new com.nimbusds.jose.jwk.gen.ECKeyGenerator(
                com.nimbusds.jose.jwk.Curve.P_256).keyID("agent-audit-1").generate());
        String forgedStream = UUID.randomUUID().toString();
        List<String> forgedEvents = AuditEvents.chain(forgedStream, 2, "agent:signer", "allow");
        String forgedHead = Json.readTree(forgedEvents.get(1), "e").get("chain").get("hash").asText();
        String forged = forger.sign(forgedStream, 2, forgedHead, java.time.Instant.now()).toJson();
        HttpResponse<String> bad = fixture.post("/v1/audit/events", agent, "application/x-ndjson", AuditEvents.lines(forgedEvents) + forged + "\n");
        assertThat(json(bad).get("invalidSignatures").toString()).contains(forgedStream + "#2");
        JsonNode forgedStatus = json(fixture.get("/v1/audit/streams/" + forgedStream, fixture.auditor()));
        assertThat(forgedStatus.get("lastCheckpoint").get("signature").asText()).isEqualTo("invalid");
        assertThat(forgedStatus.get("intact").asBoolean()).isFalse();
    }

    @Test
    void agentCannotUploadAdminEvents() {
        String forged = dev.governed.audit.AuditJson.toJson(new dev.governed.audit.AuditEvent(UUID.randomUUID().toString(),
                java.time.Instant.now(), null, new dev.governed.audit.AuditEvent.Actor("alice-admin", List.of("governed-admins"), null, null, null),
                null, new dev.governed.audit.AuditEvent.Resource("governed-service", "service", "policy:1", null),
                new dev.governed.audit.AuditEvent.Action("admin", "policy.activate", null, null, List.of()),
                new dev.governed.audit.AuditEvent.DecisionInfo("allow", "roles", null, null, null), List.of(),
                new dev.governed.audit.AuditEvent.Outcome("ok", null, 0, null)));
        HttpResponse<String> response = fixture.postJson("/v1/audit/events", fixture.agent("agent:forger"), "[" + forged + "]");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("written by the service itself");
        assertThat(fixture.get("/v1/audit/events?kind=admin&subject=alice-admin", fixture.auditor()).body()).doesNotContain("policy:1");
    }

    @Test
    void anotherIdentityCannotAddToSomeoneElsesStream() {
        String stream = UUID.randomUUID().toString();
        List<String> events = AuditEvents.chain(stream, 4, "agent:owner", "allow");
        fixture.postJson("/v1/audit/events", fixture.agent("agent:owner"), AuditEvents.array(events.subList(0, 2)));
        HttpResponse<String> intruder = fixture.postJson("/v1/audit/events", fixture.agent("agent:intruder"), AuditEvents.array(events.subList(2, 4)));
        assertThat(intruder.statusCode()).isEqualTo(403);
        assertThat(intruder.body()).contains(stream);
        assertThat(json(fixture.get("/v1/audit/streams/" + stream, fixture.auditor())).get("events").asLong()).isEqualTo(2);
        assertThat(fixture.postJson("/v1/audit/events", fixture.agent("agent:owner"), AuditEvents.array(events.subList(2, 4))).statusCode())
                .isEqualTo(200);
    }

    @Test
    void agentCannotReadTheAuditTrail() {
        assertThat(fixture.get("/v1/audit/events", fixture.agent("agent:nosy", "support-agents")).statusCode()).isEqualTo(403);
        assertThat(fixture.get("/v1/audit/export", fixture.agent("agent:nosy", "support-agents")).statusCode()).isEqualTo(403);
    }
}
