package dev.governed.samples;

import dev.governed.service.GovernedService;
import dev.governed.service.ServiceConfig;
import dev.governed.testsupport.TestIdentityProvider;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;

/**
 * The demo's in-process enforcement service and identity provider, set up the way an
 * administrator would: a policy pushed and activated, and a connection profile that
 * holds the database password so the agent never does.
 */
final class DemoService implements AutoCloseable {

    final TestIdentityProvider idp = TestIdentityProvider.served("governed-demo");
    final GovernedService service;
    private final HttpClient http = HttpClient.newHttpClient();
    private final String admin = idp.token().subject("alice-admin").groups("governed-admins").sign();

    DemoService(Path dataDir) {
        byte[] secretKey = new byte[32];
        new SecureRandom().nextBytes(secretKey);
        service = GovernedService.start(ServiceConfig.builder()
                .port(0)
                .dataDir(dataDir)
                .issuer(idp.issuer())
                .jwks(idp.jwksUri().toString())
                .audience(idp.audience())
                .secretKey(secretKey)
                .build());
    }

    URI uri() {
        return service.baseUri();
    }

    String auditor() {
        return idp.token().subject("carol-auditor").groups("governed-auditors").sign();
    }

    void pushPolicy(String yaml) {
        send("POST", "/v1/policies?activate=true", "application/yaml", yaml, admin);
    }

    void addConnection(String name, String url, String user, String password, String group) {
        send("PUT", "/v1/connections/" + name, "application/json", """
                {"url": "%s", "user": "%s", "password": "%s", "allowed": {"groups": ["%s"]}}"""
                .formatted(url, user, password, group), admin);
    }

    String get(String path, String token) {
        return send("GET", path, null, null, token);
    }

    private String send(String method, String path, String contentType, String body, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(service.baseUri().resolve(path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() >= 300) {
                throw new IllegalStateException(method + " " + path + " answered " + response.statusCode() + ": "
                        + response.body());
            }
            return response.body();
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + path + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public void close() {
        service.close();
        idp.close();
    }
}
