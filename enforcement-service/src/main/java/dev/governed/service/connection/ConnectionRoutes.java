package dev.governed.service.connection;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.governed.service.ServiceConfig;
import dev.governed.service.approval.ApprovalStore;
import dev.governed.service.approval.SessionGrants;
import dev.governed.service.audit.AdminAudit;
import dev.governed.service.auth.Authenticator;
import dev.governed.service.auth.Principal;
import dev.governed.service.auth.Role;
import dev.governed.service.policy.PolicyStore;
import dev.governed.service.secret.SecretCipher;
import dev.governed.service.store.Database;
import dev.governed.service.web.ApiException;
import dev.governed.service.web.Bodies;
import dev.governed.service.web.Json;
import dev.governed.service.web.Responses;
import dev.governed.service.web.RouteTable;
import io.javalin.http.Context;
import java.sql.SQLException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code /v1/connections}: admins define profiles; an allowed agent resolves one to the target URL and a login
 * minted for it with the grants its policy allows (or, for a profile marked {@code "credentials": "static"}, the
 * stored credentials), so the agent never holds a long-lived database password. Every release is audited.
 */
public final class ConnectionRoutes implements AutoCloseable {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    static final Duration MIN_TTL = Duration.ofMinutes(1);
    static final Duration MAX_TTL = Duration.ofHours(12);

    private final ConnectionStore store;
    private final LoginStore loginStore;
    private final Logins logins;
    private final Optional<SecretCipher> cipher;
    private final Authenticator auth;
    private final AdminAudit audit;
    private final ServiceConfig config;

    public ConnectionRoutes(Database database, PolicyStore policies, ApprovalStore approvals, Optional<SecretCipher> cipher, Authenticator auth,
                            AdminAudit audit, ServiceConfig config) {
        this.store = new ConnectionStore(database);
        this.loginStore = new LoginStore(database);
        this.logins = new Logins(store, loginStore, policies, new ApprovalGrantStore(database), approvals, cipher, audit, config.clock());
        this.cipher = cipher;
        this.auth = auth;
        this.audit = audit;
        this.config = config;
    }

    /** Who may resolve a profile: token subjects and/or groups. */
    record Allowed(List<String> subjects, List<String> groups) {}

    /** The body of {@code PUT /v1/connections/{name}}. */
    record ProfileRequest(String url, String user, String password, Allowed allowed, String credentials, String ttl, String resource,
                          String environment) {}

    public void register(RouteTable routes) {
        routes.get("/v1/connections", this::list)
                .put("/v1/connections/{name}", this::put)
                .get("/v1/connections/{name}", this::resolve)
                .delete("/v1/connections/{name}", this::delete)
                .get("/v1/connections/{name}/logins", this::listLogins)
                .post("/v1/connections/{name}/logins/{login}/renew", this::renew)
                .delete("/v1/connections/{name}/logins/{login}", this::revoke);
    }

    private void put(Context ctx) {
        Principal admin = auth.require(ctx, Role.ADMIN);
        String name = name(ctx);
        ProfileRequest request = Json.read(Bodies.text(ctx, Bodies.JSON, config.maxBodyBytes()), ProfileRequest.class, "the connection profile");
        checkUrl(request);
        Allowed allowed = request.allowed() == null ? new Allowed(List.of(), List.of()) : request.allowed();
        Set<String> subjects = Set.copyOf(allowed.subjects() == null ? List.of() : allowed.subjects());
        Set<String> groups = Set.copyOf(allowed.groups() == null ? List.of() : allowed.groups());
        if (subjects.isEmpty() && groups.isEmpty()) {
            throw ApiException.badRequest("field 'allowed' must name at least one subject or group that may use the connection");
        }
        ConnectionStore.Settings settings = settings(request);
        List<String> warnings = List.of();
        if (settings.credentials() == ConnectionProfile.Credentials.MINTED) {
            warnings = checkMinting(name, request);
        }
        String sealed = null;
        if (request.password() != null) {
            SecretCipher sealer = cipher.orElseThrow(() -> ApiException.conflict("the service has no secret key "
                    + "(governed.service.secretKey), so it cannot store credentials encrypted; configure one and restart"));
            sealed = sealer.encrypt(request.password(), name);
        }
        boolean existed = store.find(name).isPresent();
        store.put(name, request.url(), request.user(), sealed, settings, subjects, groups, admin.subject(), config.clock().instant());
        audit.allowed(admin, existed ? "connection.update" : "connection.create", "connection:" + name, "url " + request.url()
                + ", credentials " + settings.credentials().key());
        ObjectNode body = Json.mapper().valueToTree(store.find(name).orElseThrow());
        if (!warnings.isEmpty()) {
            ArrayNode list = body.putArray("warnings");
            warnings.forEach(list::add);
        }
        Responses.json(ctx, existed ? 200 : 201, body);
    }

    /** A database's JDBC URL, or an HTTP API's base URL; an API's credentials can only be released as stored. */
    private static void checkUrl(ProfileRequest request) {
        String url = request.url() == null ? "" : request.url().toLowerCase(Locale.ROOT);
        if (url.startsWith("http://") || url.startsWith("https://")) {
            if (!"static".equalsIgnoreCase(request.credentials())) {
                throw ApiException.badRequest("an HTTP API's profile (field 'url' " + request.url() + ") must be marked"
                        + " \"credentials\": \"static\": only PostgreSQL logins can be minted, so the service releases the"
                        + " stored secret as it is");
            }
            java.net.URI uri;
            try {
                uri = new java.net.URI(request.url());
            } catch (java.net.URISyntaxException e) {
                throw ApiException.badRequest("field 'url' is not a URI: " + e.getMessage());
            }
            if (uri.getHost() == null || uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
                throw ApiException.badRequest("field 'url' must be the API's base URL with a host and no user, query or fragment,"
                        + " e.g. https://crm.example.com/api; the secret goes in field 'password', where it is kept encrypted");
            }
            return;
        }
        if (!url.startsWith("jdbc:")) {
            throw ApiException.badRequest("field 'url' must be the target's JDBC URL, e.g. jdbc:postgresql://db:5432/app, or an"
                    + " HTTP API's base URL (http:// or https://, with \"credentials\": \"static\")");
        }
        if (url.startsWith("jdbc:governed:")) {
            throw ApiException.badRequest("field 'url' must name the real target, not another jdbc:governed: URL");
        }
    }

    private static ConnectionStore.Settings settings(ProfileRequest request) {
        ConnectionProfile.Credentials credentials;
        String key = request.credentials() == null ? "minted" : request.credentials();
        try {
            credentials = ConnectionProfile.Credentials.valueOf(key.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("field 'credentials' must be \"minted\" (a login per caller with policy-derived grants, the "
                    + "default) or \"static\" (the stored credentials as they are), not \"" + key + "\"");
        }
        Duration ttl = ConnectionProfile.DEFAULT_TTL;
        if (request.ttl() != null) {
            if (credentials == ConnectionProfile.Credentials.STATIC) {
                throw ApiException.badRequest("field 'ttl' applies to minted logins only; remove it from a \"static\" profile");
            }
            ttl = ttl(request.ttl());
        }
        return new ConnectionStore.Settings(credentials, ttl, optionalName("resource", request.resource()),
                optionalName("environment", request.environment()));
    }

    /** ISO-8601 ({@code PT15M}) or a number with s, m or h ({@code 15m}), between one minute and twelve hours. */
    static Duration ttl(String text) {
        Duration result;
        try {
            String trimmed = text.trim().toLowerCase(Locale.ROOT);
            if (trimmed.matches("\\d{1,6}[smh]")) {
                long amount = Long.parseLong(trimmed.substring(0, trimmed.length() - 1));
                result = switch (trimmed.charAt(trimmed.length() - 1)) {
                    case 's' -> Duration.ofSeconds(amount);
                    case 'm' -> Duration.ofMinutes(amount);
                    default -> Duration.ofHours(amount);
                };
            } else {
                result = Duration.parse(text.trim());
            }
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest("field 'ttl' must be a duration such as \"15m\", \"1h\" or \"PT15M\", not \"" + text + "\"");
        }
        if (result.compareTo(MIN_TTL) < 0 || result.compareTo(MAX_TTL) > 0) {
            throw ApiException.badRequest("field 'ttl' must be between 1 minute and 12 hours (the library renews a login while its "
                    + "session lives), not " + result);
        }
        return result;
    }

    private static String optionalName(String field, String value) {
        if (value == null) {
            return null;
        }
        if (value.isBlank() || value.length() > 128) {
            throw ApiException.badRequest("field '" + field + "' must be 1-128 characters when present");
        }
        return value;
    }

    /** A minting profile must be PostgreSQL, have a user and password, and that user must hold CREATEROLE. */
    private static List<String> checkMinting(String name, ProfileRequest request) {
        String staticHint = "; mark the profile \"credentials\": \"static\" to release the stored credentials instead (weaker: the agent "
                + "can then do whatever that user can, bypassing Governed)";
        if (!LoginMinter.isPostgres(request.url())) {
            throw ApiException.badRequest("connection '" + name + "' cannot mint logins: only PostgreSQL targets (jdbc:postgresql:) can, "
                    + "and H2 and other databases cannot" + staticHint);
        }
        if (request.user() == null || request.password() == null) {
            throw ApiException.badRequest("connection '" + name + "' mints logins, so fields 'user' and 'password' must name a "
                    + "PostgreSQL user with CREATEROLE that owns (or may grant on) the tables agents use" + staticHint);
        }
        LoginMinter.Check check;
        try {
            check = LoginMinter.check(new LoginMinter.Target(request.url(), request.user(), request.password()));
        } catch (SQLException e) {
            throw ApiException.badRequest("connection '" + name + "' mints logins, but the service could not connect as '" + request.user()
                    + "' to check that it may: " + e.getMessage() + "; fix the url, user or password" + staticHint);
        }
        if (!check.canCreateRoles()) {
            throw ApiException.badRequest("connection '" + name + "' cannot mint logins: user '" + request.user() + "' has no CREATEROLE; "
                    + "run ALTER ROLE " + request.user() + " CREATEROLE on the database" + staticHint);
        }
        return check.warnings();
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
        ObjectNode body = Json.object();
        body.put("name", name);
        body.put("url", profile.url());
        body.put("credentials", profile.credentials());
        body.put("resource", profile.policyResource());
        if (profile.environment() != null) {
            body.put("environment", profile.environment());
        }
        if (profile.isStatic()) {
            String password = logins.storedPassword(name);
            audit.allowed(caller, "connection.resolve", "connection:" + name, "static credentials released");
            body.put("user", profile.user());
            body.put("password", password);
            body.putNull("expiresAt");
        } else {
            if (!LoginMinter.isPostgres(profile.url())) {
                throw ApiException.conflict("connection '" + name + "' cannot mint logins: only PostgreSQL targets can; an administrator "
                        + "marks it \"credentials\": \"static\" to release the stored credentials instead");
            }
            Logins.Minted minted = logins.mint(profile, caller);
            body.put("user", minted.login());
            body.put("password", new String(minted.password()));
            Arrays.fill(minted.password(), '\0');
            body.put("expiresAt", minted.expiresAt().toString());
            body.put("ttl", profile.ttl());
            body.put("login", minted.login());
            body.put("renew", "/v1/connections/" + name + "/logins/" + minted.login() + "/renew");
            body.put("grants", minted.plan().summary());
            ObjectNode views = body.putObject("maskedViews");
            minted.plan().views().forEach(view -> views.put(view.relation().schema() + "." + view.relation().name(),
                    LoginNames.maskSchema(minted.login()) + "." + view.name()));
        }
        ctx.header("Cache-Control", "no-store");
        Responses.json(ctx, body);
    }

    private void listLogins(Context ctx) {
        auth.require(ctx, Role.ADMIN, Role.AUDITOR);
        String name = name(ctx);
        store.find(name).orElseThrow(() -> ApiException.notFound("no connection profile '" + name + "'"));
        ObjectNode body = Json.object();
        ArrayNode list = body.putArray("logins");
        loginStore.ofConnection(name, 1000).forEach(each -> list.add(Json.mapper().valueToTree(each)));
        Responses.json(ctx, body);
    }

    private void renew(Context ctx) {
        Principal caller = auth.principal(ctx);
        String name = name(ctx);
        ConnectionProfile profile = store.find(name).orElseThrow(() -> ApiException.notFound("no connection profile '" + name + "'"));
        MintedLogin login = ownLogin(ctx, name, caller);
        if (!profile.allows(caller.subject(), caller.groups())) {
            throw ApiException.forbidden("'" + caller.subject() + "' may no longer use connection '" + name + "'");
        }
        ObjectNode body = Json.object();
        body.put("login", login.login());
        body.put("expiresAt", logins.renew(profile, login, caller).toString());
        Responses.json(ctx, body);
    }

    private void revoke(Context ctx) {
        Principal caller = auth.principal(ctx);
        String name = name(ctx);
        ConnectionProfile profile = store.find(name).orElseThrow(() -> ApiException.notFound("no connection profile '" + name + "'"));
        MintedLogin login = caller.has(Role.ADMIN) ? login(ctx, name) : ownLogin(ctx, name, caller);
        logins.revoke(profile, login, caller);
        ctx.status(204);
    }

    private MintedLogin login(Context ctx, String name) {
        String login = ctx.pathParam("login");
        return loginStore.find(login).filter(each -> each.connection().equals(name))
                .orElseThrow(() -> ApiException.notFound("no login '" + login + "' of connection '" + name + "'"));
    }

    /** The login, if {@code caller} is whom it was minted for; anyone else learns nothing about it. */
    private MintedLogin ownLogin(Context ctx, String name, Principal caller) {
        MintedLogin login = login(ctx, name);
        if (!login.subject().equals(caller.subject())) {
            throw ApiException.notFound("no login '" + login.login() + "' of connection '" + name + "' minted for " + caller.subject());
        }
        return login;
    }

    private void delete(Context ctx) {
        Principal admin = auth.require(ctx, Role.ADMIN);
        String name = name(ctx);
        ConnectionProfile profile = store.find(name).orElseThrow(() -> ApiException.notFound("no connection profile '" + name + "'"));
        // Its logins go first: once the stored credentials are gone, nothing could drop them.
        loginStore.ofConnection(name, 10_000).stream().filter(each -> each.droppedAt() == null)
                .forEach(each -> logins.revoke(profile, each, admin));
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

    /** What approvals asked from a session on a minted login add to that login, and when it ends. */
    public SessionGrants approvalGrants() {
        return logins.approvalGrants();
    }

    @Override
    public void close() {
        logins.close();
    }
}
