package dev.governed.service.library;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.governed.core.Governed;
import dev.governed.http.GovernedHttpClient;
import dev.governed.http.RequestDeniedException;
import dev.governed.service.ServiceFixture;
import dev.governed.testsupport.TestIdentityProvider;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code service:<profile>} HTTP credentials against the real service and a real API on loopback: the secret
 * reaches the API only for callers the profile allows, only at the base the profile names, never when the
 * service is down, and never lands in the audit trail or in what the agent gets back.
 */
class HttpCredentialsFromServiceTest {

    private static final String API_SECRET = "api-secret-7f3c1e";
    private static final String DB_PASSWORD = "db-password-91ab2c";
    private static final String POLICY = """
            version: 1
            defaults: { effect: deny }
            http:
              - id: crm-read
                when: { groups: [agents, outsiders] }
                request: { methods: [GET], paths: ["/v1/**"] }
                effect: allow
            """;

    @TempDir
    Path dir;
    private TestIdentityProvider idp;
    private ServiceFixture service;
    private HttpServer api;
    private final List<String> received = new CopyOnWriteArrayList<>();
    private String base;
    private Path policyKeys;
    private Path audit;

    @BeforeEach
    void start() throws Exception {
        idp = TestIdentityProvider.served();
        service = ServiceFixture.start(idp, false, b -> b.dataDir(dir.resolve("service")));
        HttpResponse<String> pushed = service.post("/v1/policies?activate=true", service.admin(), "application/yaml", POLICY);
        assertThat(pushed.statusCode()).as(pushed.body()).isIn(200, 201);
        policyKeys = Files.writeString(dir.resolve("policy-keys.json"), service.get("/v1/keys", null).body());
        api = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        api.createContext("/", exchange -> {
            received.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " "
                    + exchange.getRequestHeaders().getFirst("Authorization"));
            byte[] body = "{\"id\": 42, \"name\": \"Ada\"}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        api.start();
        base = "http://127.0.0.1:" + api.getAddress().getPort() + "/v1";
        profile("crm", base, "svc-user", API_SECRET);
        profile("orders-db", "jdbc:h2:mem:orders", "sa", DB_PASSWORD);
        audit = dir.resolve("audit.jsonl");
    }

    @AfterEach
    void stop() {
        if (api != null) {
            api.stop(0);
        }
        if (service != null) {
            service.close();
        }
        idp.close();
    }

    private void profile(String name, String url, String user, String password) {
        HttpResponse<String> put = service.putJson("/v1/connections/" + name, service.admin(), """
                {"url": "%s", "user": "%s", "password": "%s", "credentials": "static", "allowed": {"groups": ["agents"]}}
                """.formatted(url, user, password));
        assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
    }

    private GovernedHttpClient client(String credential, String policy) {
        Properties settings = new Properties();
        settings.setProperty("governed.policy", policy);
        settings.setProperty("governed.policy.key", policyKeys.toString());
        settings.setProperty("governed.jwks", idp.jwksUri().toString());
        settings.setProperty("governed.issuer", idp.issuer());
        settings.setProperty("governed.audience", idp.audience());
        settings.setProperty("governed.audit", "jsonl:" + audit);
        settings.setProperty("governed.http.resources", "crm-api=" + base);
        settings.setProperty("governed.http.credentials.crm-api", credential);
        return (GovernedHttpClient) GovernedHttpClient.wrap(HttpClient.newHttpClient(), settings);
    }

    private GovernedHttpClient client(String credential) {
        return client(credential, service.service.baseUri().toString());
    }

    private HttpResponse<String> get(GovernedHttpClient http, String token) throws Exception {
        return Governed.runAs(token, () -> http.send(HttpRequest.newBuilder(URI.create(base + "/customers/42")).build(),
                BodyHandlers.ofString()));
    }

    private String agent() {
        return service.agent("agent:support-bot", "agents");
    }

    private String trail(GovernedHttpClient http) throws Exception {
        http.flushAudit();
        return Files.readString(audit) + service.get("/v1/audit/events?kind=admin&limit=1000", service.auditor()).body();
    }

    @Test
    void theProfilesSecretReachesTheApiAndNothingElse() throws Exception {
        GovernedHttpClient http = client("bearer:service:crm");
        try {
            HttpResponse<String> response = get(http, agent());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(received).containsExactly("GET /v1/customers/42 Bearer " + API_SECRET);
            assertThat(response.request().headers().map().toString() + response.headers().map() + response.body()
                    + response).as("the agent cannot read the secret back").doesNotContain(API_SECRET);
            get(http, agent());
            assertThat(received).hasSize(2);
            String trail = trail(http);
            assertThat(trail).as("the release is audited by the service").contains("connection.resolve")
                    .doesNotContain(API_SECRET);
        } finally {
            http.close();
        }
    }

    @Test
    void basicTakesTheProfilesUser() throws Exception {
        GovernedHttpClient http = client("basic:service:crm");
        try {
            get(http, agent());
            assertThat(received).containsExactly("GET /v1/customers/42 Basic "
                    + Base64.getEncoder().encodeToString(("svc-user:" + API_SECRET).getBytes(StandardCharsets.UTF_8)));
        } finally {
            http.close();
        }
    }

    @Test
    void aCallerTheProfileDoesNotAllowIsRefusedAndTheApiSeesNothing() throws Exception {
        GovernedHttpClient http = client("bearer:service:crm");
        try {
            assertThat(get(http, agent()).statusCode()).as("an allowed caller first, to fill any cache").isEqualTo(200);
            received.clear();
            assertThatThrownBy(() -> get(http, service.agent("agent:stranger", "outsiders")))
                    .isInstanceOfSatisfying(RequestDeniedException.class, e -> {
                        assertThat(e.rule()).isEqualTo("credential-unavailable");
                        assertThat(e.getMessage()).contains("403").doesNotContain(API_SECRET);
                    });
            assertThat(received).isEmpty();
            assertThat(trail(http)).contains("credential-unavailable").doesNotContain(API_SECRET);
        } finally {
            http.close();
        }
    }

    @Test
    void aProfileForAnotherTargetIsRefusedSoADatabasePasswordNeverGoesToTheApi() throws Exception {
        GovernedHttpClient http = client("bearer:service:orders-db");
        try {
            assertThatThrownBy(() -> get(http, agent()))
                    .isInstanceOfSatisfying(RequestDeniedException.class, e -> {
                        assertThat(e.rule()).isEqualTo("credential-unavailable");
                        assertThat(e.getMessage()).contains("orders-db").doesNotContain(DB_PASSWORD);
                    });
            assertThat(received).isEmpty();
            assertThat(trail(http)).doesNotContain(DB_PASSWORD);
        } finally {
            http.close();
        }
    }

    @Test
    void serviceDownRefusesBeforeAnythingIsSentAndNoCallerUsesAnothersSecret() throws Exception {
        GovernedHttpClient http = client("bearer:service:crm");
        try {
            assertThat(get(http, agent()).statusCode()).isEqualTo(200);
            service.close();
            service = null;
            // the same caller's policy is still fresh enough, but a new token must not reuse the first one's secret
            String another = idp.token().subject("agent:support-bot").groups("agents").expiresIn(Duration.ofMinutes(30)).sign();
            assertThatThrownBy(() -> get(http, another))
                    .isInstanceOfSatisfying(RequestDeniedException.class, e -> {
                        assertThat(e.rule()).isEqualTo("credential-unavailable");
                        assertThat(e.getMessage()).contains("unreachable");
                    });
            assertThat(received).hasSize(1);
            http.flushAudit();
            assertThat(Files.readString(audit)).contains("credential-unavailable").doesNotContain(API_SECRET);
        } finally {
            http.close();
        }
    }

    @Test
    void theServiceAcceptsAnApiProfileOnlyAsStatic() {
        HttpResponse<String> minted = service.putJson("/v1/connections/crm-minted", service.admin(), """
                {"url": "%s", "password": "x", "allowed": {"groups": ["agents"]}}
                """.formatted(base));
        assertThat(minted.statusCode()).isEqualTo(400);
        assertThat(minted.body()).contains("an HTTP API's profile");
        HttpResponse<String> withUser = service.putJson("/v1/connections/crm-user", service.admin(), """
                {"url": "http://me:pw@127.0.0.1/v1", "credentials": "static", "allowed": {"groups": ["agents"]}}
                """);
        assertThat(withUser.statusCode()).isEqualTo(400);
    }
}
