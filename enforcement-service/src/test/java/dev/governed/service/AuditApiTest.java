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
import org.junit.jupiter.api.io.TempDir;

class AuditApiTest {
    @TempDir
    static Path dir;
    static ServiceFixture fixture;

    @BeforeAll
    static void start() {
        fixture = ServiceFixture.onH2(dir);
    }

    @AfterAll
    static void stop() {
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
    void exportsJsonLinesCsvAndOcsf() {
        String stream = UUID.randomUUID().toString();
        fixture.postJson("/v1/audit/events", fixture.agent("agent:export"), AuditEvents.array(AuditEvents.chain(stream, 2, "=cmd|' /C calc'!A0", "allow")));
        String auditor = fixture.auditor();
        HttpResponse<String> jsonl = fixture.get("/v1/audit/export?format=jsonl&stream=" + stream, auditor);
        assertThat(jsonl.body().split("\n")).hasSize(2);
        HttpResponse<String> csv = fixture.get("/v1/audit/export?format=csv&stream=" + stream, auditor);
        assertThat(csv.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
        assertThat(csv.body().split("\r\n")).hasSize(3);
        assertThat(csv.body()).contains(",'=cmd|' /C calc'!A0,").doesNotContain(",=cmd");
        JsonNode ocsf = json(fixture.get("/v1/audit/export?format=ocsf&stream=" + stream, auditor));
        assertThat(ocsf).hasSize(2);
        assertThat(ocsf.get(0).get("class_uid").asInt()).isEqualTo(6005);
        assertThat(ocsf.get(0).get("query_info").get("query_string").asText()).contains("SELECT");
        JsonNode array = json(fixture.get("/v1/audit/export?format=json&stream=" + stream, auditor));
        assertThat(array).hasSize(2);
        assertThat(fixture.get("/v1/audit/export?format=xml", auditor).statusCode()).isEqualTo(400);
    }

    @Test
    void agentCannotReadTheAuditTrail() {
        assertThat(fixture.get("/v1/audit/events", fixture.agent("agent:nosy", "support-agents")).statusCode()).isEqualTo(403);
        assertThat(fixture.get("/v1/audit/export", fixture.agent("agent:nosy", "support-agents")).statusCode()).isEqualTo(403);
    }
}
