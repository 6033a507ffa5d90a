package dev.governed.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.jwk.JWKSet;
import dev.governed.audit.chain.Checkpoint;
import dev.governed.audit.chain.CheckpointSigner;
import dev.governed.audit.chain.HashChain;
import dev.governed.audit.chain.RetentionRecord;
import dev.governed.audit.verify.AuditVerifier;
import dev.governed.audit.verify.VerificationResult;
import dev.governed.audit.verify.Verdict;
import dev.governed.service.audit.RetentionRules;
import dev.governed.service.cli.GovernedCli;
import dev.governed.service.web.Json;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Audit retention on a real service (its real store, H2 or PostgreSQL; loopback HTTP; the CLI): whole signed segments expire, a signed
 * retention record takes their place, and verification of what remains passes and reports the expiry.
 * Rules: orders-db events are kept 30 days, prod events 10 days (the longer applies); the service's own admin events
 * match no rule and are kept for ever.
 */
abstract class AuditRetentionContract {
    @TempDir
    Path dir;

    /** Starts the service under test on a fresh database of its kind, with these settings. */
    abstract ServiceFixture startFixture(java.util.function.Consumer<ServiceConfig.Builder> settings);

    /** A second connection to the service's database, beside the service's own pool. */
    abstract Connection openStore() throws java.sql.SQLException;

    /** SQL that makes every insert into audit_retention fail, and SQL that undoes it. */
    abstract List<String> failRetentionInserts();

    abstract List<String> allowRetentionInserts();

    private final MutableClock clock = new MutableClock();
    private final CheckpointSigner agentKey = CheckpointSigner.fromJwk(ServiceFixture.AGENT_AUDIT_KEY);
    private ServiceFixture fixture;
    private String agent;

    private final RetentionRules rules = RetentionRules.fromProperties(Map.of(
            "governed.service.audit.retention.resource.orders-db", "P30D",
            "governed.service.audit.retention.environment.prod", "P10D"));

    @BeforeEach
    void start() {
        fixture = startFixture(b -> b.clock(clock).retention(rules));
        agent = fixture.agent("agent:retained");
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    @Test
    void expiryFollowedByVerifyPassesAndReportsTheExpiry() throws Exception {
        List<String> uploaded = new ArrayList<>();
        String stream = upload(12, 10, uploaded, 5, 10, 12);

        JsonNode dryRun = expire(true);
        assertThat(dryRun.get("expired").toString()).contains(stream, "\"first\":1", "\"last\":10", "resource=orders-db P30D");
        assertThat(status(stream).get("events").asInt()).as("a dry run removes nothing").isEqualTo(12);

        Run expired = governed("audit", "expire", "--server", server(), "--token", fixture.admin());
        assertThat(expired.code()).as(expired.out() + expired.err()).isZero();
        assertThat(expired.out()).contains("expired: stream " + stream + " events 1..10 under rule resource=orders-db P30D");

        JsonNode status = status(stream);
        assertThat(status.get("events").asInt()).isEqualTo(2);
        assertThat(status.get("firstSeq").asInt()).isEqualTo(11);
        assertThat(status.get("expiredThrough").asInt()).isEqualTo(10);
        assertThat(status.get("intact").asBoolean()).as(status.toString()).isTrue();

        Run verify = governed("audit", "verify", server(), "--token", fixture.auditor());
        assertThat(verify.code()).as(verify.out() + verify.err()).isZero();
        assertThat(verify.out()).startsWith("PROVEN")
                .contains("stream " + stream + ": events 1..10 expired ")
                .contains("under rule resource=orders-db P30D");

        // an exported file verifies on its own, against the keys the service publishes
        Path exported = dir.resolve("export.jsonl");
        assertThat(governed("audit", "export", "--format", "jsonl", "--out", exported.toString(), "--server", server(),
                "--token", fixture.auditor()).code()).isZero();
        Path keys = Files.writeString(dir.resolve("keys.json"), fixture.get("/v1/audit/keys", null).body());
        Run file = governed("audit", "verify", exported.toString(), "--keys", keys.toString());
        assertThat(file.code()).as(file.out()).isZero();
        assertThat(file.out()).contains("events 1..10 expired");

        // the agent's spool delivering the old events again must not resurrect them
        fixture.post("/v1/audit/events", agent, "application/x-ndjson", AuditEvents.lines(uploaded));
        assertThat(status(stream).get("events").asInt()).isEqualTo(2);
        assertThat(verify(stream).verdict()).isEqualTo(Verdict.PROVEN);

        JsonNode adminEvents = Json.readTree(fixture.get("/v1/audit/events?kind=admin&limit=1000", fixture.auditor()).body(), "events");
        assertThat(adminEvents.toString()).contains("audit.expire", "events 1..10 under rule resource=orders-db P30D");
        JsonNode retention = Json.readTree(fixture.get("/v1/audit/retention", fixture.auditor()).body(), "retention");
        assertThat(retention.get("records")).hasSize(1);
        assertThat(retention.get("records").get(0).get("signature").asText()).isNotBlank();
    }

    @Test
    void theServiceExpiresOnItsOwnEveryInterval() throws Exception {
        fixture.close();
        fixture = startFixture(b -> b.clock(clock).retention(rules).retentionInterval(Duration.ofMillis(300)));
        agent = fixture.agent("agent:retained");
        String stream = upload(8, 8, new ArrayList<>(), 5);

        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (status(stream).get("firstSeq").asInt() != 6 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }

        assertThat(status(stream).get("firstSeq").asInt()).isEqualTo(6);
        assertThat(fixture.get("/v1/audit/events?kind=admin&limit=1000", fixture.auditor()).body())
                .contains("audit.expire", "\"subject\":\"governed-service\"");
        assertThat(verify(stream).summary()).contains("events 1..5 expired");
    }

    @Test
    void legalHoldStopsExpiryUntilReleased() throws Exception {
        String stream = upload(10, 10, new ArrayList<>(), 5, 10);

        Run hold = governed("audit", "hold", "add", "--resource", "orders-db", "--reason", "matter 2026-42", "--server", server(),
                "--token", fixture.admin());
        assertThat(hold.code()).as(hold.out() + hold.err()).isZero();
        String holdId = hold.out().split(" ")[1];

        JsonNode held = expire(false);
        assertThat(held.get("expired")).isEmpty();
        assertThat(held.get("held").toString()).contains(stream, holdId);
        assertThat(status(stream).get("events").asInt()).isEqualTo(10);
        assertThat(governed("audit", "hold", "list", "--server", server(), "--token", fixture.auditor()).out())
                .contains(holdId, "resource=orders-db", "matter 2026-42");

        assertThat(fixture.postJson("/v1/audit/holds", fixture.auditor(), "{\"scope\":\"all\",\"reason\":\"x\"}").statusCode())
                .as("only administrators place holds").isEqualTo(403);
        assertThat(fixture.postJson("/v1/audit/holds", fixture.admin(), "{\"scope\":\"resource\",\"reason\":\"x\"}").body())
                .contains("needs 'value'");
        assertThat(fixture.postJson("/v1/audit/holds", fixture.admin(), "{\"scope\":\"all\"}").body()).contains("'reason' is required");

        Run release = governed("audit", "hold", "release", holdId, "--server", server(), "--token", fixture.admin());
        assertThat(release.code()).as(release.out() + release.err()).isZero();
        assertThat(expire(false).get("expired").toString()).contains(stream, "\"last\":10");
        assertThat(fixture.get("/v1/audit/streams/" + stream, fixture.auditor()).body()).contains("expired under the retention rules");
        assertThat(verify(stream).summary()).contains("events 1..10 expired");
        HttpResponse<String> intruder = fixture.post("/v1/audit/events", fixture.agent("agent:intruder"), "application/x-ndjson",
                AuditEvents.lines(AuditEvents.chain(stream, 1, "agent:intruder", "allow")));
        assertThat(intruder.statusCode()).as("a stream whose events all expired still belongs to its writer").isEqualTo(403);

        String adminEvents = fixture.get("/v1/audit/events?kind=admin&limit=1000", fixture.auditor()).body();
        assertThat(adminEvents).contains("audit.hold.add", "audit.hold.release", "matter 2026-42");
    }

    @Test
    void holdOnAStreamOrOnEverythingStopsExpiryToo() {
        String stream = upload(5, 5, new ArrayList<>(), 5);
        String other = upload(5, 5, new ArrayList<>(), 5);
        fixture.postJson("/v1/audit/holds", fixture.admin(), "{\"scope\":\"stream\",\"value\":\"" + stream + "\",\"reason\":\"one\"}");

        JsonNode result = expire(false);

        assertThat(result.get("expired").toString()).contains(other).doesNotContain(stream);
        fixture.postJson("/v1/audit/holds", fixture.admin(), "{\"scope\":\"all\",\"reason\":\"everything\"}");
        String third = upload(5, 5, new ArrayList<>(), 5);
        assertThat(expire(false).get("expired")).isEmpty();
        assertThat(status(third).get("events").asInt()).isEqualTo(5);
    }

    @Test
    void theUncoveredTailAndWhatNoTrustedSignatureCoversAreNeverExpired() {
        String partly = upload(8, 8, new ArrayList<>(), 5);
        String uncovered = upload(4, 4, new ArrayList<>());
        String unsigned = uploadWithUnsignedCheckpoint(4);
        String young = upload(4, 0, new ArrayList<>(), 4);

        JsonNode result = expire(false);

        assertThat(result.get("expired")).hasSize(1);
        assertThat(result.get("expired").get(0).get("stream").asText()).isEqualTo(partly);
        assertThat(result.get("expired").get(0).get("last").asInt()).isEqualTo(5);
        JsonNode tail = status(partly);
        assertThat(tail.get("firstSeq").asInt()).isEqualTo(6);
        assertThat(tail.get("events").asInt()).isEqualTo(3);
        for (String kept : List.of(uncovered, unsigned, young)) {
            assertThat(status(kept).get("events").asInt()).as(kept).isEqualTo(4);
        }
        assertThat(status(fixture.service.auditStream()).get("firstSeq").asInt()).as("admin events match no rule").isEqualTo(1);
        // a second run has nothing more to take: 6..8 has no checkpoint
        assertThat(expire(false).get("expired")).isEmpty();
    }

    @Test
    void forgedOrMissingRetentionRecordsFailVerification() throws Exception {
        String stream = upload(12, 10, new ArrayList<>(), 5, 10, 12);
        expire(false);
        String export = export(stream);
        List<String> lines = export.lines().toList();
        String record = lines.stream().filter(l -> l.contains("\"type\":\"retention\"")).findFirst().orElseThrow();
        assertThat(verify(stream).verdict()).isEqualTo(Verdict.PROVEN);

        VerificationResult altered = verify(export.replace("P30D", "P1D"));
        assertThat(altered.verdict()).as(altered.summary()).isEqualTo(Verdict.TAMPERED);

        VerificationResult withoutRecord = verify(lines.stream().filter(l -> !l.equals(record)).collect(Collectors.joining("\n")));
        assertThat(withoutRecord.verdict()).as(withoutRecord.summary()).isEqualTo(Verdict.TAMPERED);
        assertThat(withoutRecord.summary()).contains("stream starts at seq 11");

        RetentionRecord parsed = RetentionRecord.fromTree(Json.readTree(record, "record"));
        RetentionRecord unlinked = agentKey.sign(new RetentionRecord(stream, 1, 10, parsed.prev(), "cd".repeat(32), parsed.rule(),
                parsed.expiredAt(), agentKey.sign(stream, 10, "cd".repeat(32), parsed.expiredAt()), null));
        VerificationResult wrongLink = verify(export.replace(record, unlinked.toJson()));
        assertThat(wrongLink.verdict()).as(wrongLink.summary()).isEqualTo(Verdict.TAMPERED);
        assertThat(wrongLink.summary()).contains("prev of seq 11 is not the hash of the last expired event");

        var attacker = CheckpointSigner.fromJwk(new com.nimbusds.jose.jwk.gen.ECKeyGenerator(com.nimbusds.jose.jwk.Curve.P_256)
                .keyID("attacker").generate());
        VerificationResult untrusted = verify(export.replace(record, attacker.sign(parsed).toJson()));
        assertThat(untrusted.verdict()).as(untrusted.summary()).isEqualTo(Verdict.NOT_PROVEN);
    }

    @Test
    void expiryIsAtomic() throws Exception {
        String stream = upload(12, 10, new ArrayList<>(), 5, 10, 12);
        try (Connection connection = openStore(); Statement statement = connection.createStatement()) {
            // the record cannot be written after the events were deleted: the deletes must roll back
            for (String each : failRetentionInserts()) {
                statement.execute(each);
            }
            JsonNode failed = expire(false);
            assertThat(failed.get("expired")).isEmpty();
            assertThat(failed.get("failed").toString()).contains(stream);
            JsonNode status = status(stream);
            assertThat(status.get("events").asInt()).isEqualTo(12);
            assertThat(status.get("firstSeq").asInt()).isEqualTo(1);
            assertThat(status.get("lastCheckpoint").get("seq").asInt()).isEqualTo(12);
            assertThat(Json.readTree(fixture.get("/v1/audit/retention", fixture.auditor()).body(), "r").get("records")).isEmpty();
            VerificationResult intact = verify(stream);
            assertThat(intact.verdict()).as(intact.summary()).isEqualTo(Verdict.PROVEN);
            assertThat(intact.summary()).doesNotContain("expired");
            for (String each : allowRetentionInserts()) {
                statement.execute(each);
            }
        }
        assertThat(expire(false).get("expired").toString()).contains(stream);
        assertThat(verify(stream).verdict()).isEqualTo(Verdict.PROVEN);
    }

    @Test
    void badRetentionSettingsAreRefusedWithWhatToWrite() {
        assertThatThrownBy(() -> RetentionRules.fromProperties(Map.of("governed.service.audit.retention.resource.orders-db", "30 days")))
                .hasMessageContaining("not an ISO-8601 duration").hasMessageContaining("P30D");
        assertThatThrownBy(() -> RetentionRules.fromProperties(Map.of("governed.service.audit.retention.default", "P1Y")))
                .hasMessageContaining("P365D");
        assertThatThrownBy(() -> RetentionRules.fromProperties(Map.of("governed.service.audit.retention.subject.bob", "P1D")))
                .hasMessageContaining("unknown setting");
        assertThatThrownBy(() -> RetentionRules.fromProperties(Map.of("governed.service.audit.retention.default", "-P1D")))
                .hasMessageContaining("positive");
        assertThat(RetentionRules.fromProperties(Map.of("governed.service.audit.retention.default", "P90D",
                "governed.service.audit.retention.resource.orders-db", "P30D")).longest("orders-db", "prod").orElseThrow().describe())
                .as("the longest matching rule applies").isEqualTo("default P90D");
    }

    /**
     * Uploads {@code count} chained orders-db/prod events of a new stream: events up to {@code oldUntil} 40 days old, the rest
     * a day old; checkpoints signed with the agent key at {@code checkpointSeqs}.
     */
    String upload(int count, int oldUntil, List<String> lines, long... checkpointSeqs) {
        String stream = UUID.randomUUID().toString();
        Set<Long> at = java.util.Arrays.stream(checkpointSeqs).boxed().collect(Collectors.toSet());
        HashChain chain = new HashChain(stream, null);
        Instant now = clock.instant();
        for (int i = 1; i <= count; i++) {
            Instant time = now.minus(Duration.ofDays(i <= oldUntil ? 40 : 1)).plusSeconds(i);
            lines.add(chain.append(AuditEvents.event("agent:retained", "allow", time, null)).json());
            if (at.contains((long) i)) {
                lines.add(agentKey.sign(stream, i, chain.head(), time).toJson());
            }
        }
        HttpResponse<String> response = fixture.post("/v1/audit/events", agent, "application/x-ndjson", AuditEvents.lines(lines));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return stream;
    }

    private String uploadWithUnsignedCheckpoint(int count) {
        String stream = UUID.randomUUID().toString();
        HashChain chain = new HashChain(stream, null);
        List<String> lines = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            lines.add(chain.append(AuditEvents.event("agent:retained", "allow", clock.instant().minus(Duration.ofDays(40)), null)).json());
        }
        lines.add(new Checkpoint(stream, count, chain.head(), clock.instant(), null).toJson());
        fixture.post("/v1/audit/events", agent, "application/x-ndjson", AuditEvents.lines(lines));
        return stream;
    }

    JsonNode expire(boolean dryRun) {
        HttpResponse<String> response = fixture.postJson("/v1/audit/expire?dryRun=" + dryRun, fixture.admin(), "{}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Json.readTree(response.body(), "expire");
    }

    JsonNode status(String stream) {
        return Json.readTree(fixture.get("/v1/audit/streams/" + stream, fixture.auditor()).body(), "status");
    }

    private String export(String stream) {
        return fixture.get("/v1/audit/export?format=jsonl&stream=" + stream, fixture.auditor()).body();
    }

    private VerificationResult verify(String streamOrLines) throws Exception {
        String lines = streamOrLines.contains("\n") ? streamOrLines : export(streamOrLines);
        JWKSet keys = JWKSet.parse(fixture.get("/v1/audit/keys", null).body());
        return AuditVerifier.trusting(keys).verify("export", new StringReader(lines));
    }

    private String server() {
        return fixture.service.baseUri().toString();
    }

    record Run(int code, String out, String err) {}

    private static Run governed(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = GovernedCli.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Run(code, out.toString(), err.toString());
    }
}
