package dev.governed.service.connection;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.governed.service.ServiceConfig;
import dev.governed.service.audit.AdminAudit;
import dev.governed.service.auth.Authenticator;
import dev.governed.service.auth.Principal;
import dev.governed.service.auth.Role;
import dev.governed.service.secret.SecretCipher;
import dev.governed.service.web.ApiException;
import dev.governed.service.web.Bodies;
import dev.governed.service.web.Json;
import dev.governed.service.web.Responses;
import dev.governed.service.web.RouteTable;
import io.javalin.http.Context;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code /v1/connections}: admins define profiles; an allowed agent resolves one to the target URL and
 * credentials, so the agent's own configuration never holds the database password. Every release is audited.
 */
public final class ConnectionRoutes {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    private final ConnectionStore store;
    private final Optional<SecretCipher> cipher;
    private final Authenticator auth;
    private final AdminAudit audit;
    private final ServiceConfig config;

    public ConnectionRoutes(ConnectionStore store, Optional<SecretCipher> cipher, Authenticator auth, AdminAudit audit, ServiceConfig config) {
        this.store = store;
        this.cipher = cipher;
        this.auth = auth;
        this.audit = audit;
        this.config = config;
    }

    /** Who may resolve a profile: token subjects and/or groups. */
    record Allowed(List<String> subjects, List<String> groups) {}

    /** The body of {@code PUT /v1/connections/{name}}. */
    record ProfileRequest(String url, String user, String password, Allowed allowed) {}

    public void register(RouteTable routes) {
        routes.get("/v1/connections", this::list)
                .put("/v1/connections/{name}", this::put)
                .get("/v1/connections/{name}", this::resolve)
                .delete("/v1/connections/{name}", this::delete);
    }

    private void put(Context ctx) {
        Principal admin = auth.require(ctx, Role.ADMIN);
        String name = name(ctx);
        ProfileRequest request = Json.read(Bodies.text(ctx, Bodies.JSON, config.maxBodyBytes()), ProfileRequest.class, "the connection profile");
        if (request.url() == null || !request.url().toLowerCase(Locale.ROOT).startsWith("jdbc:")) {
            throw ApiException.badRequest("field 'url' must be the target's JDBC URL, e.g. jdbc:postgresql://db:5432/app");
        }
        if (request.url().toLowerCase(Locale.ROOT).startsWith("jdbc:governed:")) {
            throw ApiException.badRequest("field 'url' must name the real target, not another jdbc:governed: URL");
        }
        Allowed allowed = request.allowed() == null ? new Allowed(List.of(), List.of()) : request.allowed();
        Set<String> subjects = Set.copyOf(allowed.subjects() == null ? List.of() : allowed.subjects());
        Set<String> groups = Set.copyOf(allowed.groups() == null ? List.of() : allowed.groups());
        if (subjects.isEmpty() && groups.isEmpty()) {
            throw ApiException.badRequest("field 'allowed' must name at least one subject or group that may use the connection");
        }
        String sealed = null;
        if (request.password() != null) {
            SecretCipher sealer = cipher.orElseThrow(() -> ApiException.conflict("the service has no secret key "
                    + "(governed.service.secretKey), so it cannot store credentials encrypted; configure one and restart"));
            sealed = sealer.encrypt(request.password(), name);
        }
        boolean existed = store.find(name).isPresent();
        store.put(name, request.url(), request.user(), sealed, subjects, groups, admin.subject(), config.clock().instant());
        audit.allowed(admin, existed ? "connection.update" : "connection.create", "connection:" + name, "url " + request.url());
        Responses.json(ctx, existed ? 200 : 201, store.find(name).orElseThrow());
    }

    private void list(Context ctx) {
        auth.require(ctx, Role.ADMIN, Role.AUDITOR);
        ObjectNode body = Json.object();
        ArrayNode connections = body.putArray("connections");
        store.list().forEach(each -> connections.add(Json.mapper().valueToTree(each)));
        Responses.json(ctx, body);
    }

    private void resolve(Context ctx) {
        Principal caller = auth.principal(ctx);
        String name = name(ctx);
        ConnectionProfile profile = store.find(name).orElseThrow(() -> ApiException.notFound("no connection profile '" + name + "'"));
        if (!profile.allows(caller.subject(), caller.groups())) {
            if (caller.has(Role.ADMIN) || caller.has(Role.AUDITOR)) {
                Responses.json(ctx, profile);
                return;
            }
            throw ApiException.forbidden("'" + caller.subject() + "' may not use connection '" + name + "'; ask an administrator to "
                    + "add its subject or one of its groups " + caller.groups() + " to the profile");
        }
        String password = null;
        Optional<String> sealed = store.sealedPassword(name);
        if (sealed.isPresent()) {
            SecretCipher opener = cipher.orElseThrow(() -> new ApiException(503, "secret_key_missing", "connection '" + name
                    + "' has an encrypted password but the service has no secret key configured"));
            try {
                password = opener.decrypt(sealed.get(), name);
            } catch (SecretCipher.SecretException e) {
                throw new ApiException(503, "secret_unreadable", "the password of connection '" + name + "' cannot be decrypted: "
                        + e.getMessage());
            }
        }
        audit.allowed(caller, "connection.resolve", "connection:" + name, "credentials released");
        ObjectNode body = Json.object();
        body.put("name", name);
        body.put("url", profile.url());
        body.put("user", profile.user());
        body.put("password", password);
        ctx.header("Cache-Control", "no-store");
        Responses.json(ctx, body);
    }

    private void delete(Context ctx) {
        Principal admin = auth.require(ctx, Role.ADMIN);
        String name = name(ctx);
        if (!store.delete(name)) {
            throw ApiException.notFound("no connection profile '" + name + "'");
        }
        audit.allowed(admin, "connection.delete", "connection:" + name, null);
        ctx.status(204);
    }

    private static String name(Context ctx) {
        String name = ctx.pathParam("name");
        if (!NAME.matcher(name).matches()) {
            throw ApiException.badRequest("connection name '" + name + "' must be 1-128 letters, digits, '.', '_' or '-'");
        }
        return name;
    }
}
