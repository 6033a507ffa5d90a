package dev.governed.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.governed.testsupport.TestIdentityProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * One governed HTTP setup: a test identity provider, the CRM policy, a resource server and an
 * outsider server on loopback, a credential in a file, and a fresh audit file.
 */
final class HttpFixture implements AutoCloseable {

    static final String SECRET = "crm-secret-9f3a7c";
    static final String POLICY = """
            version: 3
            defaults: { effect: deny }
            http:
              - id: crm-read
                when: { groups: [support-agents], resources: [crm-api] }
                request: { methods: [GET], paths: ["/v1/customers/**", "/v1/redirect/*"] }
                effect: allow
              - id: crm-admin
                request: { paths: ["/v1/admin/**"] }
                effect: deny
                reason: the admin API is never for agents
              - id: crm-writes
                when: { resources: [crm-api] }
                request: { methods: [POST], paths: ["/v1/customers/**"] }
                effect: approve
                approval: { approvers: { groups: [crm-admins] }, mode: once }
            httpMasks:
              - resources: [crm-api]
                fields: ["$.ssn", "$.customers[*].ssn", "$.items[*].ssn"]
                strategy: keep-last
                keep: 4
              - resources: [crm-api]
                fields: ["$..email"]
                strategy: email
              - resources: [crm-api]
                fields: ["$.secrets"]
                strategy: redact
            """;
    private static final ObjectMapper JSON = new ObjectMapper();

    final TestIdentityProvider idp = TestIdentityProvider.shared();
    final LoopbackServer crm = new LoopbackServer();
    final LoopbackServer outsider = new LoopbackServer();
    final Path directory;
    final Path audit;
    final Path policy;
    final Path secret;
    private final List<GovernedHttpClient> clients = new ArrayList<>();

    HttpFixture() {
        try {
            directory = Files.createTempDirectory("governed-http-test");
            policy = Files.writeString(directory.resolve("policy.yaml"), POLICY);
            secret = Files.writeString(directory.resolve("crm.secret"), SECRET + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        audit = directory.resolve("audit.jsonl");
    }

    String supportAgent() {
        return idp.token().subject("agent:support").groups("support-agents").sign();
    }

    Properties settings(String token) {
        Properties result = new Properties();
        result.setProperty("governed.policy", policy.toString());
        result.setProperty("governed.jwks", idp.writeJwks(directory).toString());
        result.setProperty("governed.issuer", idp.issuer());
        result.setProperty("governed.audience", idp.audience());
        result.setProperty("governed.audit", "jsonl:" + audit);
        result.setProperty("governed.token", token);
        result.setProperty("governed.http.resources", "crm-api=" + crm.base() + "/v1");
        result.setProperty("governed.http.credentials.crm-api", "bearer:file:" + secret);
        return result;
    }

    GovernedHttpClient client(Properties settings) {
        GovernedHttpClient result = GovernedHttpClient.wrap(HttpClient.newHttpClient(), settings, name -> null);
        clients.add(result);
        return result;
    }

    GovernedHttpClient client() {
        return client(settings(supportAgent()));
    }

    /** The audit events written so far. */
    List<JsonNode> auditEvents() {
        clients.forEach(GovernedHttpClient::flushAudit);
        List<JsonNode> result = new ArrayList<>();
        if (!Files.exists(audit)) {
            return result;
        }
        try {
            for (String line : Files.readAllLines(audit)) {
                JsonNode node = JSON.readTree(line);
                if (!node.has("type")) {
                    result.add(node);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return result;
    }

    JsonNode lastEvent() {
        List<JsonNode> events = auditEvents();
        return events.get(events.size() - 1);
    }

    String auditText() {
        clients.forEach(GovernedHttpClient::flushAudit);
        try {
            return Files.exists(audit) ? Files.readString(audit) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Map<String, Object> map(String json) {
        try {
            return JSON.readValue(json, Map.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        clients.forEach(GovernedHttpClient::close);
        crm.close();
        outsider.close();
        try (var files = Files.walk(directory)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(each -> each.toFile().delete());
        }
    }
}
