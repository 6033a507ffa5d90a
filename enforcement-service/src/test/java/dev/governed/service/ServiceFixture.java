package dev.governed.service;

import dev.governed.testsupport.PostgresFixture;
import dev.governed.testsupport.TestIdentityProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * A running service on loopback with a served test identity provider, and tokens for each role.
 * Database: H2 in {@code dir} unless a JDBC URL is given.
 */
public final class ServiceFixture implements AutoCloseable {
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static final byte[] SECRET_KEY = new byte[32];

    static {
        for (int i = 0; i < SECRET_KEY.length; i++) {
            SECRET_KEY[i] = (byte) (i * 7 + 3);
        }
    }

    /** The key test agents sign audit checkpoints with; every fixture's service trusts its public half. */
    public static final com.nimbusds.jose.jwk.ECKey AGENT_AUDIT_KEY;
    private static final Path AGENT_AUDIT_KEYS_FILE;

    static {
        try {
            AGENT_AUDIT_KEY = new com.nimbusds.jose.jwk.gen.ECKeyGenerator(com.nimbusds.jose.jwk.Curve.P_256).keyID("agent-audit-1").generate();
            AGENT_AUDIT_KEYS_FILE = java.nio.file.Files.createTempFile("agent-audit-keys", ".json");
            AGENT_AUDIT_KEYS_FILE.toFile().deleteOnExit();
            java.nio.file.Files.writeString(AGENT_AUDIT_KEYS_FILE, new com.nimbusds.jose.jwk.JWKSet(AGENT_AUDIT_KEY.toPublicJWK()).toString());
        } catch (com.nimbusds.jose.JOSEException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public final TestIdentityProvider idp;
    public final GovernedService service;
    private final boolean ownsIdp;

    private ServiceFixture(TestIdentityProvider idp, boolean ownsIdp, GovernedService service) {
        this.idp = idp;
        this.ownsIdp = ownsIdp;
        this.service = service;
    }

    public static ServiceFixture onH2(Path dir) {
        return start(TestIdentityProvider.served(), true, b -> b.dataDir(dir));
    }

    /** A service on a fresh database {@code name} of the shared test PostgreSQL. */
    public static ServiceFixture onPostgres(String name, Consumer<ServiceConfig.Builder> customise) {
        PostgresFixture postgres = PostgresFixture.shared();
        postgres.newDatabase(name);
        return start(TestIdentityProvider.served(), true, b -> {
            b.databaseUrl(postgres.jdbcUrl(name)).databaseUser(postgres.user()).databasePassword(postgres.password()).databasePoolSize(4);
            customise.accept(b);
        });
    }

    public static ServiceFixture start(TestIdentityProvider idp, boolean ownsIdp, Consumer<ServiceConfig.Builder> customise) {
        ServiceConfig.Builder builder = ServiceConfig.builder()
                .port(0)
                .issuer(idp.issuer())
                .jwks(idp.jwksUri().toString())
                .audience(idp.audience())
                .secretKey(SECRET_KEY)
                .auditKeys(AGENT_AUDIT_KEYS_FILE)
                .maxWait(Duration.ofSeconds(10));
        customise.accept(builder);
        return new ServiceFixture(idp, ownsIdp, GovernedService.start(builder.build()));
    }

    public String admin() {
        return idp.token().subject("alice-admin").groups("governed-admins").sign();
    }

    public String approver(String... extraGroups) {
        String[] groups = new String[extraGroups.length + 1];
        groups[0] = "governed-approvers";
        System.arraycopy(extraGroups, 0, groups, 1, extraGroups.length);
        return idp.token().subject("dave-dba").groups(groups).sign();
    }

    public String auditor() {
        return idp.token().subject("carol-auditor").groups("governed-auditors").sign();
    }

    public String agent(String subject, String... groups) {
        return idp.token().subject(subject).groups(groups).sign();
    }

    public URI uri(String path) {
        return service.baseUri().resolve(path);
    }

    public HttpResponse<String> get(String path, String token) {
        return send(request(path, token).GET().build());
    }

    public HttpResponse<String> delete(String path, String token) {
        return send(request(path, token).DELETE().build());
    }

    public HttpResponse<String> post(String path, String token, String contentType, String body) {
        return send(request(path, token).header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    public HttpResponse<String> postJson(String path, String token, String body) {
        return post(path, token, "application/json", body);
    }

    public HttpResponse<String> putJson(String path, String token, String body) {
        return send(request(path, token).header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    public HttpRequest.Builder request(String path, String token) {
        HttpRequest.Builder result = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            result.header("Authorization", "Bearer " + token);
        }
        return result;
    }

    public static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        service.close();
        if (ownsIdp) {
            idp.close();
        }
    }
}
