package dev.governed.samples;

import com.sun.net.httpserver.HttpServer;
import dev.governed.core.Governed;
import dev.governed.http.GovernedHttpClient;
import dev.governed.http.RequestDeniedException;
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
import java.util.Properties;

/**
 * An agent calling an HTTP API through Governed: the request is decided by policy, the API key is
 * added by Governed (the agent never holds it), SSNs and emails in the JSON answer are masked as
 * it streams, and every request leaves an audit event. A stand-in CRM API runs on loopback. Run:
 * {@code mvn -q -DskipTests -pl samples -am package exec:java -Dexec.mainClass=dev.governed.samples.HttpAgentExample}.
 */
public final class HttpAgentExample {
    private HttpAgentExample() {}

    public static void main(String[] args) throws Exception {
        Path work = Files.createTempDirectory("governed-http-example");
        HttpServer crm = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        crm.createContext("/", exchange -> {
            String key = exchange.getRequestHeaders().getFirst("Authorization");
            byte[] body = ("{\"id\":42,\"name\":\"Jane Doe\",\"ssn\":\"123-45-6789\",\"email\":\"jane@example.com\","
                    + "\"contacts\":[{\"email\":\"assistant@example.com\"}],\"apiKeySeen\":" + (key != null) + "}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        crm.start();
        String base = "http://127.0.0.1:" + crm.getAddress().getPort();
        try {
            LocalIssuer idp = new LocalIssuer(work);
            Properties settings = new Properties();
            settings.setProperty("governed.policy", "classpath:http-agent-policy.yaml");
            settings.setProperty("governed.jwks", idp.jwks());
            settings.setProperty("governed.issuer", LocalIssuer.ISSUER);
            settings.setProperty("governed.audience", LocalIssuer.AUDIENCE);
            settings.setProperty("governed.audit", "jsonl:" + work.resolve("audit.jsonl"));
            settings.setProperty("governed.http.resources", "crm-api=" + base + "/v1");
            // the API key lives in a file the agent's code never reads
            Files.writeString(work.resolve("crm.key"), "crm-api-key-not-for-agents");
            settings.setProperty("governed.http.credentials.crm-api", "bearer:file:" + work.resolve("crm.key"));
            HttpClient http = GovernedHttpClient.wrap(HttpClient.newHttpClient(), settings);

            String agent = idp.token("agent:support", "support-agents");
            Governed.runAs(agent, () -> {
                var customer = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/customers/42")).build(),
                        BodyHandlers.ofString());
                System.out.println("GET /v1/customers/42 -> " + customer.statusCode() + " " + customer.body());
                try {
                    http.send(HttpRequest.newBuilder(URI.create(base + "/v1/customers/%2e%2e/admin/users")).build(),
                            BodyHandlers.ofString());
                } catch (RequestDeniedException e) {
                    System.out.println("GET /v1/customers/%2e%2e/admin/users -> refused (" + e.rule() + "): "
                            + e.getMessage());
                }
                return null;
            });
            ((GovernedHttpClient) http).close();
            System.out.println("audit trail: " + work.resolve("audit.jsonl"));
        } finally {
            crm.stop(0);
        }
    }
}
