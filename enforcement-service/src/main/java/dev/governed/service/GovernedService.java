package dev.governed.service;

import dev.governed.core.identity.CachingTokenVerifier;
import dev.governed.core.identity.JwtTokenVerifier;
import dev.governed.core.identity.TokenVerifier;
import dev.governed.service.approval.ApprovalRoutes;
import dev.governed.service.approval.ApprovalStore;
import dev.governed.service.approval.ApprovalWaiters;
import dev.governed.service.audit.AdminAudit;
import dev.governed.service.audit.AuditRoutes;
import dev.governed.service.audit.AuditStore;
import dev.governed.service.auth.Authenticator;
import dev.governed.service.auth.Principal;
import dev.governed.service.connection.ConnectionRoutes;
import dev.governed.service.policy.PolicyRoutes;
import dev.governed.service.policy.PolicySigner;
import dev.governed.service.policy.PolicyStore;
import dev.governed.service.secret.SecretCipher;
import dev.governed.service.store.Database;
import dev.governed.service.store.StorageException;
import dev.governed.service.web.ApiException;
import dev.governed.service.web.Json;
import dev.governed.service.web.Responses;
import dev.governed.service.web.RouteTable;
import io.javalin.Javalin;
import io.javalin.http.HttpResponseException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import com.nimbusds.jose.jwk.JWK;
import dev.governed.service.audit.CheckpointSignatures;
import dev.governed.service.audit.LegalHolds;
import dev.governed.service.audit.RetentionExpiry;
import dev.governed.service.audit.RetentionRoutes;
import dev.governed.service.audit.RetentionSchedule;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The enforcement service: one Javalin server over one database. Stateless apart from caches, so several
 * instances can serve behind a load balancer on one PostgreSQL.
 *
 * <pre>{@code
 * try (GovernedService service = GovernedService.start(ServiceConfig.builder().issuer(iss).jwks(jwks).audience(aud).build())) {
 *     URI base = service.baseUri();
 * }
 * }</pre>
 */
public final class GovernedService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GovernedService.class);

    private final Database database;
    private final Javalin app;
    private final RouteTable routes;
    private final AdminAudit adminAudit;
    private final ApprovalWaiters waiters;
    private final ConnectionRoutes connections;
    private final RetentionSchedule retention;

    private GovernedService(ServiceConfig config, Database database) {
        this.database = database;
        Authenticator auth = new Authenticator(verifier(config), config.roles());
        AuditStore auditStore = new AuditStore(database, config.clock());
        Optional<SecretCipher> cipher = config.secretKey().map(SecretCipher::new);
        PolicySigner signer = PolicySigner.load(database, cipher, config.clock());
        this.adminAudit = new AdminAudit(auditStore, config.clock(), signer.checkpointSigner());
        this.app = Javalin.create(javalin -> {
            javalin.showJavalinBanner = false;
            javalin.http.prefer405over404 = true;
            javalin.http.maxRequestSize = Math.max(config.maxBodyBytes(), config.maxAuditBodyBytes());
            javalin.jetty.defaultHost = config.host();
            javalin.jetty.defaultPort = config.port();
            javalin.http.asyncTimeout = config.maxWait().plusSeconds(30).toMillis();
        });
        this.routes = new RouteTable(app);
        registerErrors(auth);
        app.after(ctx -> {
            ctx.header("X-Content-Type-Options", "nosniff");
            if (ctx.res().getHeader("Cache-Control") == null) {
                ctx.header("Cache-Control", "no-store");
            }
        });
        routes.get("/v1/health", ctx -> Responses.json(ctx, Json.object().put("status", "up")))
                .get("/v1/ready", ctx -> {
                    boolean ready = database.ready();
                    Responses.json(ctx, ready ? 200 : 503, Json.object().put("status", ready ? "ready" : "database unavailable"));
                });
        String openApi = openApiDocument();
        routes.get("/v1/openapi.json", ctx -> ctx.contentType("application/json").result(openApi));
        List<JWK> auditKeys = new ArrayList<>(config.auditKeys().map(CheckpointSignatures::read).orElse(List.of()));
        auditKeys.addAll(signer.publicKeys());
        new AuditRoutes(auditStore, new CheckpointSignatures(auditKeys), auth, config).register(routes);
        LegalHolds holds = new LegalHolds(database, config.clock());
        RetentionExpiry expiry = new RetentionExpiry(database, config.retention(), holds, signer.checkpointSigner(), config.clock());
        new RetentionRoutes(expiry, holds, auditStore, auth, adminAudit, config).register(routes);
        this.retention = RetentionSchedule.start(expiry, adminAudit, config.retentionInterval());
        PolicyStore policies = new PolicyStore(database, config.clock(), config.activePolicyCacheTtl());
        new PolicyRoutes(policies, signer, auth, adminAudit, config).register(routes);
        ApprovalStore approvals = new ApprovalStore(database);
        this.waiters = new ApprovalWaiters(approvals, config.clock());
        this.connections = new ConnectionRoutes(database, policies, approvals, cipher, auth, adminAudit, config);
        new ApprovalRoutes(approvals, waiters, policies, auth, adminAudit, config, connections.approvalGrants()).register(routes);
        connections.register(routes);
    }

    private static boolean isLoopback(String host) {
        return host.equals("127.0.0.1") || host.equals("localhost") || host.equals("::1");
    }

    private static String openApiDocument() {
        try (InputStream in = GovernedService.class.getResourceAsStream("openapi.json")) {
            if (in == null) {
                throw new IllegalStateException("openapi.json is missing from the service jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Opens (and migrates) the database, then starts serving; throws with the reason when either fails. */
    public static GovernedService start(ServiceConfig config) {
        Database database = Database.open(config.databaseUrl(), config.databaseUser(), config.databasePassword(),
                config.databasePoolSize());
        try {
            GovernedService service = new GovernedService(config, database);
            service.app.start();
            LOG.info("Governed enforcement service listening on {} (database {})", service.baseUri(), config.databaseUrl());
            if (!isLoopback(config.host())) {
                LOG.warn("serving plain HTTP on {}: bearer tokens and credentials cross the network in the clear; terminate TLS in front "
                        + "of the service (a load balancer or reverse proxy)", config.host());
            }
            return service;
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
    }

    private static TokenVerifier verifier(ServiceConfig config) {
        if (config.tokenVerifier().isPresent()) {
            return config.tokenVerifier().get();
        }
        JwtTokenVerifier.Builder builder = JwtTokenVerifier.builder().issuers(config.issuers())
                .audience(config.audiences().toArray(String[]::new))
                .groupClaims(config.groupClaims().toArray(String[]::new))
                .maxDelegationDepth(config.maxDelegationDepth());
        if (config.jwks() != null) {
            builder.jwks(config.jwks());
        }
        return CachingTokenVerifier.of(builder.build());
    }

    private void registerErrors(Authenticator auth) {
        app.exception(ApiException.class, (e, ctx) -> {
            if (e.status() == 403) {
                Principal principal = ctx.attribute("governed.principal");
                if (principal != null) {
                    adminAudit.refused(principal, ctx.method() + " " + ctx.path(), ctx.path(), e.getMessage());
                }
            }
            Responses.error(ctx, e.status(), e.code(), e.getMessage());
        });
        app.exception(StorageException.class, (e, ctx) -> {
            LOG.error("storage failure on {} {}", ctx.method(), ctx.path(), e);
            Responses.error(ctx, 503, "storage_unavailable", e.getMessage() + "; retry later");
        });
        app.exception(HttpResponseException.class, (e, ctx) -> {
            switch (e.getStatus()) {
                case 404 -> Responses.error(ctx, 404, "not_found", "no endpoint " + ctx.method() + " " + ctx.path()
                        + "; see /v1/openapi.json");
                case 405 -> Responses.error(ctx, 405, "method_not_allowed", ctx.method() + " is not allowed on " + ctx.path()
                        + "; see /v1/openapi.json");
                case 413 -> Responses.error(ctx, 413, "payload_too_large", "the request body is too large: " + e.getMessage());
                default -> Responses.error(ctx, e.getStatus(), "http_" + e.getStatus(), e.getMessage());
            }
        });
        app.exception(Exception.class, (e, ctx) -> {
            LOG.error("unexpected failure on {} {}", ctx.method(), ctx.path(), e);
            Responses.error(ctx, 500, "internal_error", "the service failed unexpectedly (" + e.getClass().getSimpleName()
                    + "); see the service log");
        });
    }

    public int port() {
        return app.port();
    }

    public URI baseUri() {
        return URI.create("http://" + hostForUri() + ":" + port());
    }

    private String hostForUri() {
        String host = app.unsafeConfig().jetty.defaultHost;
        return host == null || host.equals("0.0.0.0") ? "127.0.0.1" : host;
    }

    /** The endpoints served, as registered. */
    public List<RouteTable.Route> routes() {
        return routes.routes();
    }

    /** The id of the audit stream this instance writes its own administrative events to. */
    public String auditStream() {
        return adminAudit.stream();
    }

    @Override
    public void close() {
        retention.close();
        waiters.close();
        connections.close();
        app.stop();
        database.close();
    }
}
