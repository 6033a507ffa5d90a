package dev.governed.samples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.governed.http.GovernedHttpClient;
import dev.governed.testsupport.TestIdentityProvider;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A JDBC statement and an HTTP request of one process land on one hash chain when their audit settings agree. */
class SharedAuditChainTest {

    private static final String POLICY = """
            version: 1
            defaults: { effect: deny }
            rules:
              - id: read-orders
                sql: { operations: [select, create, insert] }
                effect: allow
            http:
              - id: read-api
                request: { methods: [GET] }
                effect: allow
            """;

    @TempDir
    Path directory;

    @Test
    void jdbcAndHttpEventsShareOneChain() throws Exception {
        TestIdentityProvider idp = TestIdentityProvider.shared();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        Path audit = directory.resolve("audit.jsonl");
        Properties settings = new Properties();
        settings.setProperty("governed.policy", Files.writeString(directory.resolve("policy.yaml"), POLICY).toString());
        settings.setProperty("governed.jwks", idp.writeJwks(directory).toString());
        settings.setProperty("governed.issuer", idp.issuer());
        settings.setProperty("governed.audience", idp.audience());
        settings.setProperty("governed.audit", "jsonl:" + audit);
        settings.setProperty("governed.token", idp.token().subject("agent:both").groups("agents").sign());
        Properties jdbc = new Properties();
        jdbc.putAll(settings);
        jdbc.setProperty("user", "sa");
        jdbc.setProperty("password", "");
        settings.setProperty("governed.http.resources", "api=http://127.0.0.1:" + server.getAddress().getPort());
        GovernedHttpClient http = (GovernedHttpClient) GovernedHttpClient.wrap(HttpClient.newHttpClient(), settings);
        try (Connection connection = DriverManager.getConnection("jdbc:governed:h2:mem:shared_chain", jdbc);
             Statement statement = connection.createStatement()) {
            statement.executeQuery("SELECT 1").close();
            http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getAddress().getPort()
                    + "/v1/x")).build(), BodyHandlers.ofString());
            statement.executeQuery("SELECT 2").close();
        } finally {
            http.flushAudit();
            server.stop(0);
        }
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> events = Files.readAllLines(audit).stream().map(line -> {
            try {
                return json.readTree(line);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).filter(node -> !node.has("type")).toList();

        assertThat(events).extracting(node -> node.at("/resource/kind").asText()).containsExactly("jdbc", "http", "jdbc");
        assertThat(events).extracting(node -> node.at("/chain/stream").asText()).containsOnly(
                events.get(0).at("/chain/stream").asText());
        for (int i = 1; i < events.size(); i++) {
            assertThat(events.get(i).at("/chain/prev")).isEqualTo(events.get(i - 1).at("/chain/hash"));
        }
        http.close();
    }
}
