package dev.governed.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GovernedHttpClientTest {

    private static final String CUSTOMER = """
            {"id":42,"ssn":"123-45-6789","email":"jane@example.com","name":"Jane",
             "customers":[{"ssn":"111-22-3333","email":"a@b.com","profile":{"email":"deep@x.org","age":40}},
                          {"ssn":"222-33-4444","tags":["x"]}],
             "secrets":{"pin":"1234","codes":[1,2]},"note":"ssn 999-88-7777 stays: not a masked field"}
            """;

    private final HttpFixture fixture = new HttpFixture();

    @AfterEach
    void close() throws IOException {
        fixture.close();
    }

    private HttpRequest get(String path) {
        return HttpRequest.newBuilder(URI.create(fixture.crm.base() + path)).build();
    }

    @Test
    void allowedRequestIsSentWithTheInjectedCredentialAndItsResponseMasked() throws Exception {
        fixture.crm.json("/v1/customers/42", CUSTOMER);
        GovernedHttpClient client = fixture.client();

        HttpResponse<String> response = client.send(get("/v1/customers/42"), BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = HttpFixture.parse(response.body());
        assertThat(body.get("ssn").asText()).isEqualTo("*******6789");
        assertThat(body.get("email").asText()).isEqualTo("j***@example.com");
        assertThat(body.get("name").asText()).isEqualTo("Jane");
        assertThat(body.get("id").asInt()).isEqualTo(42);
        assertThat(body.get("note").asText()).contains("999-88-7777");
        assertThat(fixture.crm.seen).hasSize(1);
        assertThat(fixture.crm.seen.get(0).headers().get("Authorization")).containsExactly("Bearer " + HttpFixture.SECRET);
        assertThat(response.request().headers().firstValue("Authorization")).isEmpty();
    }

    @Test
    void nestedAndRecursiveFieldsAreMasked() throws Exception {
        fixture.crm.json("/v1/customers/42", CUSTOMER);
        JsonNode body = HttpFixture.parse(fixture.client().send(get("/v1/customers/42"), BodyHandlers.ofString()).body());

        assertThat(body.at("/customers/0/ssn").asText()).isEqualTo("*******3333");
        assertThat(body.at("/customers/1/ssn").asText()).isEqualTo("*******4444");
        assertThat(body.at("/customers/0/email").asText()).isEqualTo("***@b.com");
        assertThat(body.at("/customers/0/profile/email").asText()).isEqualTo("d***@x.org");
        assertThat(body.at("/customers/0/profile/age").asInt()).isEqualTo(40);
        assertThat(body.at("/customers/1/tags/0").asText()).isEqualTo("x");
        // a masked object is masked in every value beneath it
        assertThat(body.at("/secrets/pin").asText()).isEqualTo("****");
        assertThat(body.at("/secrets/codes/1").asText()).isEqualTo("****");
    }

    @Test
    void delegatedRequestIsAuditedWithTheWholeChainLikeAStatement() throws Exception {
        fixture.crm.json("/v1/customers/42", CUSTOMER);
        String token = fixture.idp.token().subject("bob").groups("support-agents")
                .delegation("agent:support", "orchestrator").sign();

        fixture.client(fixture.settings(token)).send(get("/v1/customers/42"), BodyHandlers.ofString());

        JsonNode actor = fixture.lastEvent().get("actor");
        assertThat(actor.get("subject").asText()).isEqualTo("agent:support");
        assertThat(actor.get("onBehalfOf").asText()).isEqualTo("bob");
        assertThat(actor.get("delegation").toString()).isEqualTo("[\"agent:support\",\"orchestrator\"]");
    }

    @Test
    void auditEventDescribesTheRequestWithoutSecretsOrCookies() throws Exception {
        fixture.crm.route("/v1/customers/42", exchange -> {
            exchange.getResponseHeaders().add("Set-Cookie", "session=cookie-value-5521");
            LoopbackServer.respond(exchange, 200, "application/json", CUSTOMER);
        });
        HttpRequest request = HttpRequest.newBuilder(
                        URI.create(fixture.crm.base() + "/v1/customers/42?token=query-secret-zz&q=jane"))
                .header("Cookie", "agent-cookie=c00kie-1234").build();

        fixture.client().send(request, BodyHandlers.ofString());

        JsonNode event = fixture.lastEvent();
        assertThat(event.at("/resource/kind").asText()).isEqualTo("http");
        assertThat(event.at("/resource/name").asText()).isEqualTo("crm-api");
        assertThat(event.at("/action/kind").asText()).isEqualTo("http");
        assertThat(event.at("/action/operation").asText()).isEqualTo("get");
        assertThat(event.at("/action/statement").asText()).isEqualTo("GET /v1/customers/42?token=?&q=?");
        assertThat(event.at("/decision/effect").asText()).isEqualTo("allow");
        assertThat(event.at("/decision/rule").asText()).isEqualTo("crm-read");
        assertThat(event.at("/decision/policyVersion").asLong()).isEqualTo(3);
        assertThat(event.at("/actor/subject").asText()).isEqualTo("agent:support");
        assertThat(event.at("/outcome/status").asText()).isEqualTo("ok");
        assertThat(event.get("masking").toString()).contains("$.ssn", "keep-last", "$..email");
        assertThat(event.at("/masking/0/values").asLong()).isEqualTo(1);
        String audit = fixture.auditText();
        assertThat(audit).doesNotContain(HttpFixture.SECRET, "cookie-value-5521", "c00kie-1234", "query-secret-zz", "jane@",
                "123-45-6789");
    }

    @Test
    void deniedRequestNeverReachesTheServer() {
        GovernedHttpClient client = fixture.client();

        assertThatThrownBy(() -> client.send(get("/v1/admin/users"), BodyHandlers.ofString()))
                .isInstanceOf(RequestDeniedException.class)
                .hasMessageContaining("crm-admin").hasMessageContaining("the admin API is never for agents")
                .satisfies(e -> assertThat(((RequestDeniedException) e).rule()).isEqualTo("crm-admin"));
        assertThatThrownBy(() -> client.send(HttpRequest.newBuilder(URI.create(fixture.crm.base() + "/v1/orders"))
                .DELETE().build(), BodyHandlers.ofString()))
                .isInstanceOf(RequestDeniedException.class).hasMessageContaining("default");

        assertThat(fixture.crm.seen).isEmpty();
        JsonNode event = fixture.lastEvent();
        assertThat(event.at("/decision/effect").asText()).isEqualTo("deny");
        assertThat(event.at("/outcome/status").asText()).isEqualTo("denied");
        assertThat(event.at("/action/operation").asText()).isEqualTo("delete");
    }

    @Test
    void deniedAsyncRequestCompletesExceptionally() {
        CompletableFuture<HttpResponse<String>> future =
                fixture.client().sendAsync(get("/v1/admin/users"), BodyHandlers.ofString());

        assertThatThrownBy(future::get).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(RequestDeniedException.class);
        assertThat(fixture.crm.seen).isEmpty();
    }

    @Test
    void allowedAsyncRequestIsMasked() throws Exception {
        fixture.crm.json("/v1/customers/42", CUSTOMER);
        HttpResponse<String> response = fixture.client().sendAsync(get("/v1/customers/42"), BodyHandlers.ofString())
                .get(10, TimeUnit.SECONDS);
        assertThat(HttpFixture.parse(response.body()).get("ssn").asText()).isEqualTo("*******6789");
    }

    @Test
    void approvalRulesDenyUntilApprovalsAreEnabled() {
        HttpRequest post = HttpRequest.newBuilder(URI.create(fixture.crm.base() + "/v1/customers/42"))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build();

        assertThatThrownBy(() -> fixture.client().send(post, BodyHandlers.ofString()))
                .isInstanceOf(RequestDeniedException.class)
                .hasMessageContaining("crm-writes").hasMessageContaining("approvals are not enabled");
        assertThat(fixture.crm.seen).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "/v1/customers/%2e%2e/admin/users",
            "/v1/customers/%2E%2E/admin/users",
            "/v1/customers/../admin/users",
            "/v1/customers/..;/admin/users",
            "/v1/customers/.%2e/admin/users",
            "/v1//customers/../../v1/admin/users",
            "/v1/customers/./../admin/users",
            "/v1/%61dmin/users",
            "/v1/admin;jsessionid=1/users",
            "/v1/customers/42/../../admin/users/",
    })
    void pathEvasionsAreDecidedOnTheNormalisedPath(String path) {
        assertThatThrownBy(() -> fixture.client().send(get(path), BodyHandlers.ofString()))
                .isInstanceOf(RequestDeniedException.class)
                .satisfies(e -> assertThat(((RequestDeniedException) e).rule()).isEqualTo("crm-admin"));
        assertThat(fixture.crm.seen).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "/v1/customers%2f..%2fadmin/users",
            "/v1/customers/%252e%252e/admin/users",
            "/v1/customers/%00/x",
            "/v1/customers/%5c..%5cadmin",
            "/../v1/customers/1",
    })
    void ambiguousEncodingsAreRefused(String path) {
        assertThatThrownBy(() -> fixture.client().send(get(path), BodyHandlers.ofString()))
                .isInstanceOf(RequestDeniedException.class)
                .satisfies(e -> assertThat(((RequestDeniedException) e).rule()).isEqualTo("ambiguous-path"));
        assertThat(fixture.crm.seen).isEmpty();
    }

    @Test
    void theNormalisedPathIsWhatTheServerReceives() throws Exception {
        fixture.crm.json("/v1/customers/42", "{\"id\":42}");
        URI mixedCase = URI.create("http://127.0.0.1:" + fixture.crm.port() + "/v1/customers/./x/../%34%32");

        HttpResponse<String> response = fixture.client().send(HttpRequest.newBuilder(mixedCase).build(),
                BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(fixture.crm.seen.get(0).rawPath()).isEqualTo("/v1/customers/42");
    }

    @Test
    void hostCaseDoesNotChangeTheResource() throws Exception {
        fixture.crm.json("/v1/customers/42", "{\"id\":42}");
        Properties settings = fixture.settings(fixture.supportAgent());
        settings.setProperty("governed.http.resources", "crm-api=http://LocalHost:" + fixture.crm.port() + "/v1");
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + fixture.crm.port()
                + "/v1/customers/42")).build();

        assertThat(fixture.client(settings).send(request, BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    }

    @Test
    void hostsOutsideEveryResourceAreDenied() {
        HttpRequest request = HttpRequest.newBuilder(URI.create(fixture.outsider.base() + "/v1/customers/42")).build();
        HttpRequest outsideBasePath = get("/v2/customers/42");

        assertThatThrownBy(() -> fixture.client().send(request, BodyHandlers.ofString()))
                .isInstanceOf(RequestDeniedException.class).hasMessageContaining("outside every resource");
        assertThatThrownBy(() -> fixture.client().send(outsideBasePath, BodyHandlers.ofString()))
                .isInstanceOf(RequestDeniedException.class).hasMessageContaining("outside every resource");
        assertThat(fixture.outsider.seen).isEmpty();
        assertThat(fixture.crm.seen).isEmpty();
        assertThat(fixture.lastEvent().at("/decision/rule").asText()).isEqualTo("unlisted-resource");
    }

    @Test
    void agentSuppliedCredentialsAreRefused() {
        HttpRequest ownToken = HttpRequest.newBuilder(URI.create(fixture.crm.base() + "/v1/customers/42"))
                .header("Authorization", "Bearer stolen").build();
        HttpRequest userInfo = HttpRequest.newBuilder(URI.create("http://bob:pw@127.0.0.1:" + fixture.crm.port()
                + "/v1/customers/42")).build();

        assertThatThrownBy(() -> fixture.client().send(ownToken, BodyHandlers.ofString()))
                .isInstanceOf(RequestDeniedException.class).hasMessageContaining("own Authorization");
        assertThatThrownBy(() -> fixture.client().send(userInfo, BodyHandlers.ofString()))
                .isInstanceOf(RequestDeniedException.class);
        assertThat(fixture.crm.seen).isEmpty();
        assertThat(fixture.auditText()).doesNotContain("stolen");
    }

    /** A GET the policy allows must not become a DELETE, or a request for another path, on the server's side. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"X-HTTP-Method-Override: DELETE", "x-http-method: DELETE",
            "X-Method-Override: PUT", "X-Original-URL: /v1/admin/users", "X-Rewrite-URL: /v1/admin/users",
            "X-Forwarded-Uri: /v1/admin/users", "X-Forwarded-Prefix: /v1/admin", "?_method=DELETE", "?a=1&%5Fmethod=DELETE",
            "?_METHOD=delete"})
    void requestsThatOverrideTheirMethodOrPathAreRefused(String override) {
        fixture.crm.json("/v1/customers/42", "{\"id\":42}");
        HttpRequest.Builder request;
        if (override.startsWith("?")) {
            request = HttpRequest.newBuilder(URI.create(fixture.crm.base() + "/v1/customers/42" + override));
        } else {
            String[] header = override.split(": ");
            request = HttpRequest.newBuilder(URI.create(fixture.crm.base() + "/v1/customers/42")).header(header[0], header[1]);
        }

        assertThatThrownBy(() -> fixture.client().send(request.build(), BodyHandlers.ofString()))
                .isInstanceOf(RequestDeniedException.class).hasMessageContaining("its real method and path");
        assertThat(fixture.crm.seen).isEmpty();
        assertThat(fixture.lastEvent().at("/decision/rule").asText()).isEqualTo("request-override");
    }

    @Test
    void aConfiguredHeaderCredentialCannotBeSuppliedByTheAgent() throws Exception {
        fixture.crm.json("/v1/customers/42", "{\"id\":42}");
        Properties settings = fixture.settings(fixture.supportAgent());
        settings.setProperty("governed.http.credentials.crm-api", "header:X-Api-Key:file:" + fixture.secret);
        GovernedHttpClient client = fixture.client(settings);
        HttpRequest own = HttpRequest.newBuilder(URI.create(fixture.crm.base() + "/v1/customers/42"))
                .header("X-Api-Key", "mine").build();

        assertThatThrownBy(() -> client.send(own, BodyHandlers.ofString())).isInstanceOf(RequestDeniedException.class);
        client.send(get("/v1/customers/42"), BodyHandlers.ofString());

        assertThat(fixture.crm.seen).hasSize(1);
        assertThat(fixture.crm.seen.get(0).headers().get("X-api-key")).containsExactly(HttpFixture.SECRET);
    }

    @Test
    void malformedJsonFromAMaskedResourceIsRefused() {
        fixture.crm.json("/v1/customers/1", "{\"ssn\":\"123-45-6789\",\"email\":");
        fixture.crm.route("/v1/customers/2", exchange ->
                LoopbackServer.respond(exchange, 200, "text/plain", "ssn=123-45-6789"));
        fixture.crm.json("/v1/customers/3", "{\"ssn\":\"123-45-6789\"} trailing garbage");
        GovernedHttpClient client = fixture.client();

        for (String path : new String[] {"/v1/customers/1", "/v1/customers/2", "/v1/customers/3"}) {
            assertThatThrownBy(() -> client.send(get(path), BodyHandlers.ofString()))
                    .isInstanceOf(RequestDeniedException.class)
                    .satisfies(e -> assertThat(((RequestDeniedException) e).rule()).isEqualTo("masking"));
        }
        JsonNode event = fixture.lastEvent();
        assertThat(event.at("/outcome/status").asText()).isEqualTo("denied");
        assertThat(event.at("/decision/rule").asText()).isEqualTo("masking");
    }

    @Test
    void gzipBodiesAreDecodedAndMasked() throws Exception {
        byte[] compressed = gzip(CUSTOMER);
        fixture.crm.route("/v1/customers/42", exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.getResponseHeaders().set("Content-Encoding", "gzip");
            exchange.sendResponseHeaders(200, compressed.length);
            exchange.getResponseBody().write(compressed);
        });

        HttpResponse<String> response = fixture.client().send(get("/v1/customers/42"), BodyHandlers.ofString());

        assertThat(HttpFixture.parse(response.body()).get("ssn").asText()).isEqualTo("*******6789");
        assertThat(response.headers().firstValue("Content-Encoding")).isEmpty();
    }

    @Test
    void corruptOrUnknownEncodingsAreRefused() throws Exception {
        byte[] compressed = gzip(CUSTOMER);
        compressed[compressed.length / 2] ^= 0x5a;
        fixture.crm.route("/v1/customers/1", exchange -> {
            exchange.getResponseHeaders().set("Content-Encoding", "gzip");
            exchange.sendResponseHeaders(200, compressed.length);
            exchange.getResponseBody().write(compressed);
        });
        fixture.crm.route("/v1/customers/2", exchange -> {
            exchange.getResponseHeaders().set("Content-Encoding", "br");
            LoopbackServer.respond(exchange, 200, "application/json", CUSTOMER);
        });
        GovernedHttpClient client = fixture.client();

        assertThatThrownBy(() -> client.send(get("/v1/customers/1"), BodyHandlers.ofString()))
                .isInstanceOf(RequestDeniedException.class);
        assertThatThrownBy(() -> client.send(get("/v1/customers/2"), BodyHandlers.ofString()))
                .isInstanceOf(RequestDeniedException.class).hasMessageContaining("br");
    }

    @Test
    void redirectToAnotherHostIsDecidedAgain() throws Exception {
        fixture.outsider.json("/steal", "{\"ssn\":\"123-45-6789\"}");
        fixture.crm.route("/v1/redirect/out", exchange -> {
            exchange.getResponseHeaders().set("Location", fixture.outsider.base() + "/steal");
            exchange.sendResponseHeaders(302, -1);
        });
        fixture.crm.route("/v1/redirect/in", exchange -> {
            exchange.getResponseHeaders().set("Location", "/v1/customers/42");
            exchange.sendResponseHeaders(302, -1);
        });
        fixture.crm.json("/v1/customers/42", CUSTOMER);
        Properties settings = fixture.settings(fixture.supportAgent());
        settings.setProperty(GovernedHttpClient.FOLLOW_REDIRECTS, "normal");
        GovernedHttpClient following = fixture.client(settings);

        assertThatThrownBy(() -> following.send(get("/v1/redirect/out"), BodyHandlers.ofString()))
                .isInstanceOf(RequestDeniedException.class).hasMessageContaining("outside every resource");
        assertThat(fixture.outsider.seen).isEmpty();

        HttpResponse<String> followed = following.send(get("/v1/redirect/in"), BodyHandlers.ofString());
        assertThat(followed.statusCode()).isEqualTo(200);
        assertThat(HttpFixture.parse(followed.body()).get("ssn").asText()).isEqualTo("*******6789");
        assertThat(followed.previousResponse()).isPresent();

        HttpResponse<String> notFollowed = fixture.client().send(get("/v1/redirect/out"), BodyHandlers.ofString());
        assertThat(notFollowed.statusCode()).isEqualTo(302);
        assertThat(fixture.outsider.seen).isEmpty();
    }

    @Test
    void serviceSecretsNeedTheEnforcementServiceAndAProfileName() {
        Properties settings = fixture.settings(fixture.supportAgent());
        settings.setProperty("governed.http.credentials.crm-api", "bearer:service:crm");
        assertThatThrownBy(() -> fixture.client(settings)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("set governed.policy to its URL");
        for (String bad : new String[] {"bearer:service", "bearer:service:", "basic:service:a/b", "header:X-Key:service:../x"}) {
            settings.setProperty("governed.http.credentials.crm-api", bad);
            assertThatThrownBy(() -> fixture.client(settings)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("service:<profile>");
        }
    }

    @Test
    void clientsThatFollowRedirectsThemselvesAreNotWrapped() {
        HttpClient following = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();

        assertThatThrownBy(() -> GovernedHttpClient.wrap(following, fixture.settings(fixture.supportAgent())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Redirect.NEVER");
    }

    @Test
    void webSocketsAreRefused() {
        assertThatThrownBy(() -> fixture.client().newWebSocketBuilder())
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void cancellingAnAsyncRequestCancelsTheExchangeAndIsAudited() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch arrived = new CountDownLatch(1);
        fixture.crm.route("/v1/customers/slow", exchange -> {
            arrived.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            LoopbackServer.respond(exchange, 200, "application/json", CUSTOMER);
        });
        CompletableFuture<HttpResponse<String>> future =
                fixture.client().sendAsync(get("/v1/customers/slow"), BodyHandlers.ofString());
        assertThat(arrived.await(10, TimeUnit.SECONDS)).isTrue();

        assertThat(future.cancel(true)).isTrue();
        release.countDown();

        assertThat(future).isCancelled();
        JsonNode event = fixture.lastEvent();
        assertThat(event.at("/outcome/status").asText()).isEqualTo("error");
        assertThat(event.at("/outcome/error").asText()).contains("cancelled");
    }

    @Test
    void missingTokenIsDeniedAndAudited() {
        Properties settings = fixture.settings("not-a-token");
        assertThatThrownBy(() -> fixture.client(settings).send(get("/v1/customers/42"), BodyHandlers.ofString()))
                .isInstanceOf(RequestDeniedException.class)
                .satisfies(e -> assertThat(((RequestDeniedException) e).rule()).isEqualTo("authentication"));
        assertThat(fixture.crm.seen).isEmpty();
    }

    @Test
    void inputStreamBodiesAreMaskedToo() throws Exception {
        fixture.crm.json("/v1/customers/42", CUSTOMER);
        HttpResponse<java.io.InputStream> response =
                fixture.client().send(get("/v1/customers/42"), BodyHandlers.ofInputStream());
        String body;
        try (var in = response.body()) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(body).doesNotContain("123-45-6789", "jane@example.com").contains("*******6789");
    }

    static byte[] gzip(String text) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return bytes.toByteArray();
    }
}
