package dev.governed.service.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.governed.service.AuditEvents;
import dev.governed.service.Policies;
import dev.governed.service.ServiceFixture;
import dev.governed.testsupport.TestIdentityProvider;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GovernedCliTest {
    @TempDir
    static Path dir;
    static ServiceFixture fixture;

    @BeforeAll
    static void start() {
        fixture = ServiceFixture.onH2(dir.resolve("db"));
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

    static String[] as(String token, String... args) {
        List<String> result = new ArrayList<>(List.of(args));
        result.add("--server");
        result.add(fixture.service.baseUri().toString());
        result.add("--token");
        result.add(token);
        return result.toArray(String[]::new);
    }

    @Test
    void policiesPushListActivateAndRollback() throws Exception {
        Path v7 = Files.writeString(dir.resolve("policy-v7.yaml"), Policies.text("orders-v7.yaml"));
        Path v8 = Files.writeString(dir.resolve("policy-v8.yaml"), Policies.text("orders-v8.yaml"));
        String admin = fixture.admin();
        Run push = governed(as(admin, "policies", "push", v7.toString(), "--activate"));
        assertThat(push.code()).as(push.err()).isZero();
        assertThat(push.out()).contains("policy version 7 stored and active");
        assertThat(governed(as(admin, "policies", "push", v8.toString())).out()).contains("governed policies activate 8");
        assertThat(governed(as(admin, "policies", "activate", "8")).out()).contains("policy version 8 is active");
        Run list = governed(as(fixture.auditor(), "policies", "list"));
        assertThat(list.out()).containsPattern("\\*\\s+8\\s").containsPattern("\\n\\s+7\\s");
        assertThat(governed(as(admin, "policies", "rollback")).out()).contains("policy version 7 is active");
        Run refused = governed(as(fixture.agent("agent:x"), "policies", "push", v7.toString()));
        assertThat(refused.code()).isEqualTo(6);
        assertThat(refused.err()).contains("HTTP 403").doesNotContain("Exception");
        Path broken = Files.writeString(dir.resolve("broken.yaml"), "version: 9\ndefaults: { effect: maybe }\n");
        Run invalid = governed(as(admin, "policies", "push", broken.toString()));
        assertThat(invalid.code()).isEqualTo(7);
        assertThat(invalid.err()).contains("HTTP 400").contains("effect");
    }

    @Test
    void approvalsListApproveAndDeny() {
        fixture.post("/v1/policies?activate=true", fixture.admin(), "application/yaml", Policies.text("orders-v7.yaml"));
        String writer = fixture.agent("agent:cli-writer", "order-writers");
        String body = "{\"statement\":\"DELETE FROM public.orders WHERE id = ?\",\"fingerprint\":\"" + UUID.randomUUID()
                + "\",\"resource\":\"orders-db\",\"environment\":\"prod\",\"rule\":\"order-writes-need-approval\","
                + "\"touches\":[{\"operation\":\"delete\",\"schema\":\"public\",\"table\":\"orders\"}]}";
        String first = idOf(fixture.postJson("/v1/approvals", writer, body));
        String second = idOf(fixture.postJson("/v1/approvals", writer, body.replace("DELETE", "UPDATE").replace("\"fingerprint\":\"", "\"fingerprint\":\"x")));
        String approver = fixture.approver("dba");
        Run list = governed(as(approver, "approvals", "list"));
        assertThat(list.out()).contains(first).contains(second).contains("agent:cli-writer");
        assertThat(governed(as(approver, "approvals", "approve", first, "--reason", "ok")).out()).contains("is approved until");
        assertThat(governed(as(approver, "approvals", "show", first)).out()).contains("DELETE FROM public.orders WHERE id = ?")
                .contains("agent:cli-writer").contains("order-writes-need-approval").contains("decided:     by dave-dba at")
                .contains("touches:     delete public.orders");
        assertThat(governed(as(approver, "approvals", "revoke", first, "--reason", "done")).out()).contains("is revoked");
        assertThat(governed(as(fixture.auditor(), "audit", "query", "--approval", first)).out()).contains("approval.request")
                .contains("approval.approve").contains("approval.revoke").doesNotContain(second);
        Run noReason = governed(as(approver, "approvals", "deny", second));
        assertThat(noReason.code()).isEqualTo(2);
        assertThat(governed(as(approver, "approvals", "deny", second, "--reason", "no")).out()).contains("is denied");
        Run agent = governed(as(writer, "approvals", "approve", second));
        assertThat(agent.code()).isEqualTo(6);
        assertThat(agent.err()).contains("HTTP");
    }

    @Test
    void auditVerifyExitsZeroOnlyWhenIntact() throws Exception {
        List<String> events = AuditEvents.chain(UUID.randomUUID().toString(), 5, "agent:verify", "allow");
        Path intact = Files.writeString(dir.resolve("intact.jsonl"), AuditEvents.lines(events));
        Run unsigned = governed("audit", "verify", intact.toString());
        assertThat(unsigned.code()).as(unsigned.out() + unsigned.err()).isEqualTo(3);
        assertThat(unsigned.out()).startsWith("NOT PROVEN");
        Run ok = governed("audit", "verify", intact.toString(), "--allow-unsigned", "--allow-open-tail");
        assertThat(ok.code()).as(ok.out() + ok.err()).isZero();
        assertThat(ok.out()).startsWith("PROVEN");
        List<String> withoutOne = new ArrayList<>(events);
        withoutOne.remove(2);
        Path deleted = Files.writeString(dir.resolve("deleted.jsonl"), AuditEvents.lines(withoutOne));
        Run bad = governed("audit", "verify", deleted.toString());
        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.out()).contains("TAMPERED");
        Run missing = governed("audit", "verify", dir.resolve("missing.jsonl").toString());
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("no audit file or directory at").doesNotContain("Exception");
    }

    @Test
    void auditExportFromTheServiceVerifiesAndQueryFilters() throws Exception {
        String stream = UUID.randomUUID().toString();
        fixture.postJson("/v1/audit/events", fixture.agent("agent:cli-export"),
                AuditEvents.array(AuditEvents.chain(stream, 4, "agent:cli-export", "deny")));
        String auditor = fixture.auditor();
        Path export = dir.resolve("export.jsonl");
        Run exported = governed(as(auditor, "audit", "export", "--format", "jsonl", "--stream", stream, "--out", export.toString()));
        assertThat(exported.code()).as(exported.err()).isZero();
        assertThat(Files.readAllLines(export)).hasSize(4);
        assertThat(governed("audit", "verify", export.toString()).code()).isEqualTo(3);
        assertThat(governed("audit", "verify", export.toString(), "--allow-unsigned", "--allow-open-tail").code()).isZero();
        String url = fixture.service.baseUri() + "/v1/audit/export?format=jsonl&stream=" + stream;
        Run byUrl = governed("audit", "verify", url, "--token", auditor, "--allow-unsigned", "--allow-open-tail");
        assertThat(byUrl.code()).as(byUrl.out() + byUrl.err()).isZero();
        assertThat(byUrl.out()).contains("4 events");
        Run csv = governed(as(auditor, "audit", "export", "--format", "csv", "--stream", stream));
        assertThat(csv.out().split("\r\n")).hasSize(5);
        Run query = governed(as(auditor, "audit", "query", "--subject", "agent:cli-export", "--decision", "deny", "--limit", "2",
                "--json"));
        assertThat(query.out().trim().split("\n")).hasSize(2);
        Run table = governed(as(auditor, "audit", "query", "--subject", "agent:cli-export", "--limit", "2"));
        assertThat(table.out()).startsWith("TIME").contains("SUBJECT", "DECISION", "agent:cli-export", "DENY").doesNotContain("null");
    }

    @Test
    void replayShowsOneSessionInOrder() {
        String session = UUID.randomUUID().toString();
        fixture.postJson("/v1/audit/events", fixture.agent("agent:replayed"),
                AuditEvents.array(AuditEvents.chain(UUID.randomUUID().toString(), 3, "agent:replayed", "deny", session)));
        fixture.postJson("/v1/audit/events", fixture.agent("agent:other"),
                AuditEvents.array(AuditEvents.chain(UUID.randomUUID().toString(), 2, "agent:other", "allow")));
        Run replay = governed(as(fixture.auditor(), "replay", session));
        assertThat(replay.code()).as(replay.err()).isZero();
        String[] lines = replay.out().trim().split("\n");
        assertThat(lines).hasSize(4);
        assertThat(lines[0]).contains("2026-11-22T01:00:00").contains("agent:replayed").contains("DENY (support-read)");
        assertThat(lines[2]).contains("2026-11-22T01:00:02");
        assertThat(lines[3]).contains("3 event(s)");
        assertThat(replay.out()).doesNotContain("agent:other");
        assertThat(governed(as(fixture.auditor(), "replay", "no-such-session")).code()).isEqualTo(1);
    }

    @Test
    void serveStartsWithDefaultsAndGeneratesASecretKey(@TempDir Path data) throws Exception {
        try (TestIdentityProvider idp = TestIdentityProvider.served()) {
            StringWriter out = new StringWriter();
            CompletableFuture<Integer> serving = CompletableFuture.supplyAsync(() -> GovernedCli.run(new PrintWriter(out), new PrintWriter(new StringWriter()),
                    "serve", "--port", "0", "--data", data.toString(), "--issuer", idp.issuer(), "--jwks", idp.jwksUri().toString(),
                    "--audience", idp.audience()));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (ServeCommand.current() == null && System.nanoTime() < deadline && !serving.isDone()) {
                Thread.sleep(50);
            }
            assertThat(ServeCommand.current()).as(out.toString()).isNotNull();
            HttpResponse<String> ready = ServiceFixture.send(java.net.http.HttpRequest.newBuilder(
                    ServeCommand.current().baseUri().resolve("/v1/ready")).GET().build());
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(data.resolve("secret.key")).exists();
            assertThat(Files.getPosixFilePermissions(data.resolve("secret.key"))).containsExactlyInAnyOrder(
                    java.nio.file.attribute.PosixFilePermission.OWNER_READ, java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
            assertThat(data.resolve("governed.mv.db")).exists();
            ServeCommand.stop();
            assertThat(serving.get(10, TimeUnit.SECONDS)).isZero();
        }
    }

    @Test
    void serveWithoutAnIssuerSaysWhatToConfigure(@TempDir Path data) {
        Run run = governed("serve", "--port", "0", "--data", data.toString());
        assertThat(run.code()).isEqualTo(1);
        assertThat(run.err()).contains("governed.issuer");
        assertThat(data.resolve("secret.key")).doesNotExist();
    }

    @Test
    void devModeServesTokensFromTheLocalIssuerOnly(@TempDir Path data) throws Exception {
        StringWriter out = new StringWriter();
        CompletableFuture<Integer> serving = CompletableFuture.supplyAsync(() -> GovernedCli.run(new PrintWriter(out), new PrintWriter(new StringWriter()),
                "serve", "--dev", "--port", "0", "--data", data.toString()));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (ServeCommand.current() == null && System.nanoTime() < deadline && !serving.isDone()) {
            Thread.sleep(50);
        }
        try {
            assertThat(ServeCommand.current()).as(out.toString()).isNotNull();
            String server = ServeCommand.current().baseUri().toString();
            Run token = governed("token", "--dev", "--data", data.toString(), "--subject", "me", "--groups", "governed-admins");
            assertThat(token.code()).isZero();
            Path policy = Files.writeString(data.resolve("p.yaml"), Policies.text("orders-v7.yaml"));
            Run push = governed("policies", "push", policy.toString(), "--server", server, "--token", token.out().trim());
            assertThat(push.code()).as(push.err()).isZero();
            Run stranger = governed("policies", "list", "--server", server, "--token", fixture.admin());
            assertThat(stranger.code()).isEqualTo(6);
            assertThat(stranger.err()).contains("401");
        } finally {
            ServeCommand.stop();
        }
        assertThat(serving.get(10, TimeUnit.SECONDS)).isZero();
        assertThat(governed("serve", "--dev", "--host", "0.0.0.0", "--port", "0", "--data", data.toString()).err()).contains("loopback");
    }

    static String idOf(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return dev.governed.service.web.Json.readTree(response.body(), "r").get("id").asText();
    }
}
