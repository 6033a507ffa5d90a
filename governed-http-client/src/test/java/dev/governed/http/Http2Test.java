package dev.governed.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The decorator over HTTP/2: a Jetty server speaking cleartext HTTP/2 (h2c) on loopback, reached
 * by a JDK client built for HTTP/2. Rules, credentials, masks and audit must not depend on the
 * protocol version (HTTP/2 header names arrive lower-case, many requests share one connection).
 */
class Http2Test {

    private static final String CUSTOMER = "{\"id\":7,\"ssn\":\"123-45-6789\",\"email\":\"jane@example.com\"}";

    private record Seen(String method, String path, String version, String authorization) {}

    private final HttpFixture fixture = new HttpFixture();
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private Server server;
    private URI base;

    @BeforeEach
    void startHttp2Server() throws Exception {
        server = new Server();
        HttpConfiguration configuration = new HttpConfiguration();
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(configuration),
                new HTTP2CServerConnectionFactory(configuration));
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                seen.add(new Seen(request.getMethod(), request.getHttpURI().getPath(),
                        request.getConnectionMetaData().getHttpVersion().asString(),
                        request.getHeaders().get("authorization")));
                response.getHeaders().put("Content-Type", "application/json");
                response.write(true, ByteBuffer.wrap(CUSTOMER.getBytes(StandardCharsets.UTF_8)), callback);
                return true;
            }
        });
        server.start();
        base = URI.create("http://127.0.0.1:" + connector.getLocalPort());
    }

    @AfterEach
    void stop() throws Exception {
        server.stop();
        fixture.close();
    }

    private GovernedHttpClient client() {
        Properties settings = fixture.settings(fixture.supportAgent());
        settings.setProperty("governed.http.resources", "crm-api=" + base + "/v1");
        return fixture.client(settings); // HttpClient.newHttpClient() prefers HTTP/2, upgrading cleartext connections
    }

    private HttpRequest get(String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).build();
    }

    @Test
    void anAllowedRequestTravelsOverHttp2WithTheInjectedCredentialAndComesBackMasked() throws Exception {
        GovernedHttpClient client = client();
        client.send(get("/v1/customers/7"), BodyHandlers.ofString()); // the first request upgrades the connection
        HttpResponse<String> response = client.send(get("/v1/customers/7"), BodyHandlers.ofString());

        assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
        JsonNode body = HttpFixture.parse(response.body());
        assertThat(body.get("ssn").asText()).isEqualTo("*******6789");
        assertThat(body.get("email").asText()).isEqualTo("j***@example.com");
        assertThat(seen).extracting(Seen::version).contains("HTTP/2.0");
        assertThat(seen).extracting(Seen::authorization).containsOnly("Bearer " + HttpFixture.SECRET);
    }

    @Test
    void concurrentStreamsOnOneHttp2ConnectionAreEachDecidedMaskedAndAudited() throws Exception {
        GovernedHttpClient client = client();
        client.send(get("/v1/customers/0"), BodyHandlers.ofString());
        List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            responses.add(client.sendAsync(get("/v1/customers/" + i), BodyHandlers.ofString()));
        }
        CompletableFuture<HttpResponse<String>> denied = client.sendAsync(get("/v1/admin/users"), BodyHandlers.ofString());

        for (CompletableFuture<HttpResponse<String>> each : responses) {
            HttpResponse<String> response = each.join();
            assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(HttpFixture.parse(response.body()).get("ssn").asText()).isEqualTo("*******6789");
        }
        assertThatThrownBy(denied::join).hasCauseInstanceOf(RequestDeniedException.class);
        assertThat(seen).extracting(Seen::path).doesNotContain("/v1/admin/users").hasSize(21);
        List<JsonNode> events = fixture.auditEvents();
        assertThat(events).hasSize(22);
        assertThat(events).filteredOn(each -> each.at("/decision/effect").asText().equals("deny")).hasSize(1);
        assertThat(fixture.auditText()).doesNotContain("123-45-6789", HttpFixture.SECRET);
    }

    @Test
    void anAgentSuppliedCredentialIsRefusedWhateverItsCase() {
        GovernedHttpClient client = client();
        HttpRequest stolen = HttpRequest.newBuilder(URI.create(base + "/v1/customers/7"))
                .header("authorization", "Bearer stolen").build();

        assertThatThrownBy(() -> client.send(stolen, BodyHandlers.ofString()))
                .isInstanceOf(RequestDeniedException.class).hasMessageContaining("own Authorization");
        assertThat(seen).isEmpty();
    }
}
