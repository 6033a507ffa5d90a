package dev.governed.core.internal.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.sun.net.httpserver.HttpServer;
import dev.governed.core.identity.Identity;
import dev.governed.policy.Caller;
import dev.governed.policy.Decision;
import dev.governed.policy.SqlOperation;
import dev.governed.policy.SqlRequest;
import dev.governed.policy.SqlStatementFacts;
import dev.governed.policy.TableName;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The remote policy source against a real HTTP server on loopback that plays the enforcement service. */
class RemotePoliciesTest {

    private static final String ALLOW_SELECT = """
            {"version": %d, "rules": [{"id": "read", "sql": {"operations": ["select"]}, "effect": "allow"}]}""";
    private static final String DENY_ALL = """
            {"version": %d, "rules": [{"id": "lockdown", "effect": "deny", "reason": "incident"}]}""";

    private final Identity agent = new Identity("agent:a", Set.of("support"), "https://idp", "j1", null,
            Instant.now().plusSeconds(3600));
    private HttpServer server;
    private final AtomicReference<String> document = new AtomicReference<>(ALLOW_SELECT.formatted(1));
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger notModified = new AtomicInteger();
    private final AtomicReference<String> lastAuthorization = new AtomicReference<>();
    private ECKey signingKey;
    private volatile boolean sign;
    private RemotePolicies policies;

    @BeforeEach
    void startService() throws Exception {
        signingKey = new ECKeyGenerator(Curve.P_256).keyID("svc-1").generate();
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/policies/effective", exchange -> {
            requests.incrementAndGet();
            lastAuthorization.set(exchange.getRequestHeaders().getFirst("Authorization"));
            String body = document.get();
            String etag = "\"" + Integer.toHexString(body.hashCode()) + "\"";
            if (etag.equals(exchange.getRequestHeaders().getFirst("If-None-Match"))) {
                notModified.incrementAndGet();
                exchange.sendResponseHeaders(304, -1);
                exchange.close();
                return;
            }
            if (sign) {
                body = signed(body);
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("ETag", etag);
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        if (policies != null) {
            policies.close();
        }
        if (server != null) {
            server.stop(0);
        }
    }

    private URI serviceUri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private String signed(String body) {
        try {
            JWSObject jws = new JWSObject(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("svc-1").build(),
                    new Payload(body));
            jws.sign(new ECDSASigner(signingKey));
            return jws.serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static SqlRequest select() {
        return new SqlRequest(new Caller("agent:a", Set.of("support")), "orders-db", "prod",
                List.of(new SqlStatementFacts(SqlOperation.SELECT, Set.of(TableName.of("public", "orders")),
                        Set.of(), true)));
    }

    private RemotePolicies.Builder builder() {
        return RemotePolicies.builder(serviceUri(), "orders-db").environment("prod");
    }

    @Test
    void firstStatementFetchesThenAnswersFromMemoryWithTheCallersToken() throws Exception {
        policies = builder().refreshInterval(Duration.ofMinutes(5)).build();
        for (int i = 0; i < 100; i++) {
            assertThat(policies.policyFor(agent, "token-1").evaluate(select())).isInstanceOf(Decision.Allow.class);
        }
        assertThat(requests.get()).isEqualTo(1);
        assertThat(lastAuthorization.get()).isEqualTo("Bearer token-1");
    }

    @Test
    void aPolicyChangeReachesTheClientWithinTheRefreshInterval() throws Exception {
        policies = builder().refreshInterval(Duration.ofMillis(200)).build();
        assertThat(policies.policyFor(agent, "t").version()).isEqualTo(1);
        Thread.sleep(500);
        assertThat(notModified.get()).as("unchanged policy is confirmed with If-None-Match").isPositive();
        document.set(DENY_ALL.formatted(2));
        long changed = System.nanoTime();
        while (policies.policyFor(agent, "t").version() != 2) {
            assertThat(System.nanoTime() - changed).isLessThan(Duration.ofSeconds(3).toNanos());
            Thread.sleep(20);
        }
        assertThat(policies.policyFor(agent, "t").evaluate(select())).isInstanceOf(Decision.Deny.class);
    }

    @Test
    void serviceDownKeepsTheLastGoodPolicyUntilMaxStaleThenFailsThenRecovers() throws Exception {
        policies = builder().refreshInterval(Duration.ofMillis(100)).maxStale(Duration.ofMillis(800)).build();
        assertThat(policies.policyFor(agent, "t").version()).isEqualTo(1);
        int port = server.getAddress().getPort();
        server.stop(0);
        Thread.sleep(300);
        assertThat(policies.policyFor(agent, "t").version()).as("within maxStale").isEqualTo(1);
        Thread.sleep(900);
        assertThatThrownBy(() -> policies.policyFor(agent, "t"))
                .isInstanceOf(PolicyUnavailable.class)
                .hasMessageContaining("maxStale");
        startOn(port);
        long back = System.nanoTime();
        while (true) {
            try {
                assertThat(policies.policyFor(agent, "t").version()).isEqualTo(1);
                break;
            } catch (PolicyUnavailable stillDown) {
                assertThat(System.nanoTime() - back).isLessThan(Duration.ofSeconds(3).toNanos());
                Thread.sleep(50);
            }
        }
    }

    private void startOn(int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.createContext("/v1/policies/effective", exchange -> {
            byte[] bytes = document.get().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
    }

    @Test
    void neverFetchedAndServiceDownIsUnavailable() {
        server.stop(0);
        policies = builder().build();
        assertThatThrownBy(() -> policies.policyFor(agent, "t"))
                .isInstanceOf(PolicyUnavailable.class)
                .hasMessageContaining("unreachable");
    }

    @Test
    void signedPoliciesAreVerifiedAndATamperedOneIsRefusedKeepingThePrevious() throws Exception {
        sign = true;
        policies = builder().refreshInterval(Duration.ofMillis(100))
                .verificationKeys(new JWKSet(signingKey.toPublicJWK())).build();
        assertThat(policies.policyFor(agent, "t").version()).isEqualTo(1);
        sign = false; // the service (or an attacker in the path) now sends an unsigned document
        document.set(DENY_ALL.formatted(9));
        Thread.sleep(400);
        assertThat(policies.policyFor(agent, "t").version()).as("unsigned document refused").isEqualTo(1);
    }

    @Test
    void aPolicySignedByAnotherKeyIsRefused() throws Exception {
        sign = true;
        ECKey other = new ECKeyGenerator(Curve.P_256).keyID("svc-1").generate();
        policies = builder().verificationKeys(new JWKSet(other.toPublicJWK())).build();
        assertThatThrownBy(() -> policies.policyFor(agent, "t"))
                .isInstanceOf(PolicyUnavailable.class)
                .hasMessageContaining("bad signature");
    }

    @Test
    void aRestartWithoutTheServiceUsesTheCachedPolicy(@TempDir Path cache) throws Exception {
        policies = builder().cacheDirectory(cache).build();
        assertThat(policies.policyFor(agent, "t").version()).isEqualTo(1);
        policies.close();
        server.stop(0);
        try (var files = Files.list(cache)) {
            assertThat(files.count()).isEqualTo(1);
        }
        policies = builder().cacheDirectory(cache).build();
        assertThat(policies.policyFor(agent, "t").version()).isEqualTo(1);
    }

    @Test
    void callersWithDifferentGroupsGetTheirOwnPolicies() throws Exception {
        policies = builder().build();
        Identity other = new Identity("agent:b", Set.of("billing"), "https://idp", "j2", null,
                Instant.now().plusSeconds(3600));
        policies.policyFor(agent, "ta");
        policies.policyFor(other, "tb");
        assertThat(requests.get()).isEqualTo(2);
        assertThat(lastAuthorization.get()).isEqualTo("Bearer tb");
    }

    @Test
    void sameAgentActingForDifferentUsersGetsSeparatePolicies() throws Exception {
        policies = builder().build();
        Identity forAlice = new Identity("agent:a", Set.of("support"), "https://idp", "j3", "alice", Instant.now().plusSeconds(3600));
        Identity forBob = new Identity("agent:a", Set.of("support"), "https://idp", "j4", "bob", Instant.now().plusSeconds(3600));
        policies.policyFor(agent, "t0");
        policies.policyFor(forAlice, "ta");
        policies.policyFor(forBob, "tb");
        policies.policyFor(forAlice, "ta");
        assertThat(requests.get()).isEqualTo(3);
    }
}
