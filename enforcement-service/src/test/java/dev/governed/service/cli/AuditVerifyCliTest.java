package dev.governed.service.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.governed.audit.AuditDispatcher;
import dev.governed.audit.AuditEvent;
import dev.governed.audit.chain.CheckpointSigner;
import dev.governed.service.AuditEvents;
import dev.governed.service.Policies;
import dev.governed.service.ServiceFixture;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code governed audit verify}: exit codes, keys, a service's base URL and the witness, against a real service. */
class AuditVerifyCliTest {
    @TempDir
    static Path dir;
    static ServiceFixture fixture;
    static com.nimbusds.jose.jwk.ECKey key;
    static Path publicKeys;

    @BeforeAll
    static void start() throws Exception {
        fixture = ServiceFixture.onH2(dir.resolve("db"));
        key = ServiceFixture.AGENT_AUDIT_KEY; // the agent key the service trusts, so the witness records its checkpoints
        publicKeys = Files.writeString(dir.resolve("keys.json"), "{\"keys\":[" + key.toPublicJWK().toJSONString() + "]}");
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    record Run(int code, String out, String err) {}

    static Run governed(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = GovernedCli.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Run(code, out.toString(), err.toString());
    }

    private static Path trail(String name, String sinks, int events) {
        Path file = dir.resolve(name);
        try (AuditDispatcher dispatcher = AuditDispatcher.builder().sinks("jsonl:" + file + "?fsync=none" + sinks)
                .signer(CheckpointSigner.fromJwk(key)).checkpointEvery(4).closeOnShutdown(false).build()) {
            for (int i = 0; i < events; i++) {
                dispatcher.record(AuditEvents.event("agent:cli-" + i, i % 3 == 0 ? "deny" : "allow", Instant.now(), "s-1"));
            }
        }
        return file;
    }

    @Test
    void signedTrailIsProvenWithItsKeysAndNotProvenWithout() {
        Path file = trail("signed.jsonl", "", 10);

        Run proven = governed("audit", "verify", file.toString(), "--keys", publicKeys.toString());
        assertThat(proven.code()).as(proven.out() + proven.err()).isZero();
        assertThat(proven.out()).startsWith("PROVEN: 10 events");
        Run noKeys = governed("audit", "verify", file.toString());
        assertThat(noKeys.code()).isEqualTo(3);
        assertThat(noKeys.out()).startsWith("NOT PROVEN").contains("no keys", "--keys");
        assertThat(governed("audit", "verify", file.toString(), "--allow-unsigned").code()).isZero();
    }

    @Test
    void badKeysFilesAreOneLineUsageErrors() throws Exception {
        Path file = trail("for-keys.jsonl", "", 2);
        Run missing = governed("audit", "verify", file.toString(), "--keys", dir.resolve("nope.json").toString());
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).startsWith("governed: no keys file at").doesNotContain("Exception").hasLineCount(1);
        Path notKeys = Files.writeString(dir.resolve("not-keys.json"), "{\"hello\":1}");
        Run invalid = governed("audit", "verify", file.toString(), "--keys", notKeys.toString());
        assertThat(invalid.code()).isEqualTo(2);
        assertThat(invalid.err()).contains("not a JWK or JWK Set").hasLineCount(1);
    }

    @Test
    void serviceBaseUrlIsVerifiedWithTheServicesPublishedKeys() {
        fixture.post("/v1/policies?activate=true", fixture.admin(), "application/yaml", Policies.text("orders-v7.yaml"));
        String server = fixture.service.baseUri().toString();

        Run run = governed("audit", "verify", server, "--token", fixture.auditor());

        assertThat(run.code()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).startsWith("PROVEN");
        Run down = governed("audit", "verify", "http://127.0.0.1:9", "--token", fixture.auditor());
        assertThat(down.code()).isEqualTo(2);
        assertThat(down.err()).contains("cannot reach").hasLineCount(1);
    }

    @Test
    void witnessCatchesATrailCutBackToAnEarlierSignedCheckpoint() throws Exception {
        Path token = Files.writeString(dir.resolve("agent.jwt"), fixture.agent("agent:witnessed"));
        Path file = trail("witnessed.jsonl", ",witness:" + fixture.service.baseUri() + "?tokenFile=" + token, 10);
        List<String> lines = Files.readAllLines(file);
        List<String> cut = new ArrayList<>();
        for (String each : lines) {
            cut.add(each);
            if (each.contains("\"type\":\"checkpoint\"") && each.contains("\"seq\":8")) {
                break;
            }
        }
        String server = fixture.service.baseUri().toString();
        String auditor = fixture.auditor();
        Run intact = governed("audit", "verify", file.toString(), "--keys", publicKeys.toString(), "--witness", server,
                "--token", auditor);
        assertThat(intact.code()).as(intact.out() + intact.err()).isZero();
        Files.write(file, cut);

        Run withoutWitness = governed("audit", "verify", file.toString(), "--keys", publicKeys.toString());
        assertThat(withoutWitness.code()).as(withoutWitness.out()).isZero();
        Run witnessed = governed("audit", "verify", file.toString(), "--keys", publicKeys.toString(), "--witness", server,
                "--token", auditor);
        assertThat(witnessed.code()).as(witnessed.out() + witnessed.err()).isEqualTo(1);
        assertThat(witnessed.out()).startsWith("TAMPERED").contains("the witness saw seq 10", "the trail was cut");
    }

    @Test
    void witnessRefusesAForkedHeadFromTheSameWriter() {
        String agent = fixture.agent("agent:forker");
        String stream = java.util.UUID.randomUUID().toString();
        String checkpoint = "{\"type\":\"checkpoint\",\"stream\":\"" + stream + "\",\"seq\":3,\"head\":\"" + "a".repeat(64)
                + "\",\"time\":\"2026-11-22T01:00:00.000000Z\",\"signature\":null}";
        assertThat(fixture.postJson("/v1/audit/witness", agent, "{\"checkpoint\":" + checkpoint + "}").statusCode()).isEqualTo(200);
        var fork = fixture.postJson("/v1/audit/witness", agent, "{\"checkpoint\":" + checkpoint.replace("a".repeat(64), "b".repeat(64)) + "}");
        assertThat(fork.statusCode()).isEqualTo(409);
        var other = fixture.postJson("/v1/audit/witness", fixture.agent("agent:intruder"),
                "{\"checkpoint\":" + checkpoint.replace("\"seq\":3", "\"seq\":4") + "}");
        assertThat(other.statusCode()).isEqualTo(403);
        assertThat(fixture.get("/v1/audit/witness", fixture.auditor()).body()).contains(stream).contains("a".repeat(64));
    }

    @Test
    void replayRendersWhoWhenWhatDecisionAndResultWithoutNulls() {
        String session = java.util.UUID.randomUUID().toString();
        AuditEvent bare = new AuditEvent("01", Instant.parse("2026-11-22T01:00:00Z"), null,
                new AuditEvent.Actor("agent:bare", null, null, null, null), new AuditEvent.Session(session, null),
                new AuditEvent.Resource("orders-db", "jdbc", null, null), new AuditEvent.Action("sql", null, null, null, null),
                new AuditEvent.DecisionInfo("deny", null, "unanalysable", null, null), List.of(),
                new AuditEvent.Outcome("denied", null, 0, "parse failure"));
        var line = ReplayCommand.line(dev.governed.audit.AuditJson.readTree(dev.governed.audit.AuditJson.toJson(bare)));
        assertThat(line).contains("2026-11-22T01:00", "agent:bare", "orders-db", "DENY - unanalysable", "denied error=parse failure")
                .doesNotContain("null");
    }

    @Test
    void reportFromALocalTrailIsWrittenAsHtmlAndMarkdown() throws Exception {
        Path file = trail("report.jsonl", "", 9);
        Path html = dir.resolve("report.html");
        Path markdown = dir.resolve("report.md");
        String from = Instant.now().minusSeconds(3600).toString();
        String to = Instant.now().plusSeconds(3600).toString();

        Run run = governed("audit", "report", file.toString(), "--from", from, "--to", to, "--keys", publicKeys.toString(),
                "--out", html.toString());
        assertThat(run.code()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("9 event(s), 3 denied").contains("trail PROVEN");
        assertThat(Files.readString(html)).contains("<h1>Governed audit report</h1>", "PROVEN: 9 events", "agent:cli-0", "<svg");
        assertThat(governed("audit", "report", file.toString(), "--from", from, "--to", to, "--out", markdown.toString()).code()).isZero();
        assertThat(Files.readString(markdown)).contains("## By identity", "NOT PROVEN");
        Run wrongType = governed("audit", "report", file.toString(), "--from", from, "--to", to, "--out", dir.resolve("r.pdf").toString());
        assertThat(wrongType.code()).isEqualTo(2);
        assertThat(wrongType.err()).contains(".html or .md");
    }
}
