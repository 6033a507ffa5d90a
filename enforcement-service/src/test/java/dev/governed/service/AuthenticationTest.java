package dev.governed.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuthenticationTest {
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

    @Test
    void healthAndReadinessNeedNoToken() {
        assertThat(fixture.get("/v1/health", null).statusCode()).isEqualTo(200);
        HttpResponse<String> ready = fixture.get("/v1/ready", null);
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).contains("\"ready\"");
    }

    @Test
    void responsesAreNotCachedOrSniffedByDefault() {
        HttpResponse<String> response = fixture.get("/v1/audit/streams", fixture.auditor());
        assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(response.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(fixture.get("/v1/keys", null).headers().firstValue("Cache-Control")).hasValue("public, max-age=300");
    }

    @Test
    void apiCallWithoutTokenIsRefusedWith401() {
        HttpResponse<String> response = fixture.get("/v1/audit/streams", null);
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        assertThat(response.body()).contains("\"error\":\"unauthorized\"").contains("no bearer token");
    }

    @Test
    void forgedAndExpiredTokensAreRefused() {
        assertThat(fixture.get("/v1/audit/streams", fixture.idp.attack().unsigned()).statusCode()).isEqualTo(401);
        assertThat(fixture.get("/v1/audit/streams", fixture.idp.attack().hmacWithRsaPublicKey()).statusCode()).isEqualTo(401);
        assertThat(fixture.get("/v1/audit/streams", fixture.idp.attack().expired()).statusCode()).isEqualTo(401);
        assertThat(fixture.get("/v1/audit/streams", fixture.idp.attack().wrongAudience()).statusCode()).isEqualTo(401);
        String tampered = fixture.auditor();
        String[] parts = tampered.split("\\.");
        String forged = parts[0] + "." + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                ("{\"sub\":\"mallory\",\"groups\":[\"governed-auditors\"],\"iss\":\"" + fixture.idp.issuer() + "\",\"aud\":\""
                        + fixture.idp.audience() + "\",\"exp\":" + Instant.now().plus(Duration.ofHours(1)).getEpochSecond() + "}").getBytes())
                + "." + parts[2];
        HttpResponse<String> response = fixture.get("/v1/audit/streams", forged);
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.body()).contains("signature");
    }

    @Test
    void notABearerHeaderIsRefused() {
        var request = fixture.request("/v1/audit/streams", null).header("Authorization", "Basic YWxpY2U6c2VjcmV0").GET().build();
        HttpResponse<String> response = ServiceFixture.send(request);
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.body()).contains("not a bearer token");
    }

    @Test
    void roleIsGrantedByGroupsOnly() {
        HttpResponse<String> agent = fixture.get("/v1/audit/streams", fixture.agent("agent:billing", "support-agents"));
        assertThat(agent.statusCode()).isEqualTo(403);
        assertThat(agent.body()).contains("auditor").contains("governed-auditors");
        assertThat(fixture.get("/v1/audit/streams", fixture.auditor()).statusCode()).isEqualTo(200);
    }

    @Test
    void everyEndpointButTheFourPublicOnesRefusesACallWithoutAValidToken() {
        // plus the reviewers' page: static files holding no data, whose every API call carries the reviewer's token
        // and the public keys that sign audit checkpoints, which a verifier needs before it holds any token
        java.util.Set<String> open = java.util.Set.of("/v1/health", "/v1/ready", "/v1/openapi.json", "/v1/keys", "/v1/audit/keys",
                "/approvals", "/approvals/app.js", "/approvals/app.css");
        assertThat(fixture.service.routes()).hasSizeGreaterThan(20);
        for (var route : fixture.service.routes()) {
            String path = route.path().replaceAll("\\{[^}]+}", "1");
            for (String token : new String[] {null, fixture.idp.attack().expired()}) {
                var request = fixture.request(path, token).header("Content-Type", "application/json")
                        .method(route.method().toUpperCase(java.util.Locale.ROOT), java.net.http.HttpRequest.BodyPublishers.ofString("{}"))
                        .build();
                int status = ServiceFixture.send(request).statusCode();
                if (open.contains(route.path())) {
                    assertThat(status).as(route.toString()).isEqualTo(200);
                } else {
                    assertThat(status).as(route + " with " + (token == null ? "no token" : "an expired token")).isEqualTo(401);
                }
            }
        }
    }

    @Test
    void administrativeEndpointsRefuseRolesThatDoNotGrantThem() {
        String[][] adminOnly = {{"POST", "/v1/policies"}, {"POST", "/v1/policies/1/activate"}, {"POST", "/v1/policies/rollback"},
                {"PUT", "/v1/connections/x"}, {"DELETE", "/v1/connections/x"}};
        String[][] readers = {{"GET", "/v1/policies"}, {"GET", "/v1/policies/active"}, {"GET", "/v1/policies/1"}, {"GET", "/v1/audit/events"},
                {"GET", "/v1/audit/export"}, {"GET", "/v1/audit/streams"}, {"GET", "/v1/audit/streams/x"}, {"GET", "/v1/connections"}};
        String agent = fixture.agent("agent:probe", "support-agents");
        String approver = fixture.approver("dba");
        String auditor = fixture.auditor();
        for (String[] each : adminOnly) {
            for (String token : new String[] {agent, approver, auditor}) {
                assertThat(call(each, token)).as(each[0] + " " + each[1]).isEqualTo(403);
            }
        }
        for (String[] each : readers) {
            assertThat(call(each, agent)).as(each[0] + " " + each[1]).isEqualTo(403);
            assertThat(call(each, approver)).as(each[0] + " " + each[1]).isEqualTo(403);
        }
    }

    private static int call(String[] route, String token) {
        var request = fixture.request(route[1], token).header("Content-Type", "application/json")
                .method(route[0], java.net.http.HttpRequest.BodyPublishers.ofString("{}")).build();
        return ServiceFixture.send(request).statusCode();
    }

    @Test
    void unknownEndpointIsJson404() {
        HttpResponse<String> response = fixture.get("/v1/nothing-here", fixture.auditor());
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).contains("\"error\":\"not_found\"");
    }
}
