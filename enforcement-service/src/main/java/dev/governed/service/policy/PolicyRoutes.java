package dev.governed.service.policy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.governed.policy.PolicyDocuments;
import dev.governed.service.ServiceConfig;
import dev.governed.service.audit.AdminAudit;
import dev.governed.service.auth.Authenticator;
import dev.governed.service.auth.Principal;
import dev.governed.service.auth.Role;
import dev.governed.service.web.ApiException;
import dev.governed.service.web.Bodies;
import dev.governed.service.web.Json;
import dev.governed.service.web.Responses;
import dev.governed.service.web.RouteTable;
import io.javalin.http.Context;
import java.util.Arrays;
import java.util.Set;

/** {@code /v1/policies} and {@code /v1/keys}: upload, list, get, activate, roll back, and the effective document. */
public final class PolicyRoutes {
    private static final Set<String> YAML = Set.of("application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml");
    private static final Set<String> UPLOAD_TYPES = Set.of("application/json", "application/yaml", "application/x-yaml", "text/yaml",
            "text/x-yaml");
    public static final String JOSE = "application/jose";

    private final PolicyStore store;
    private final EffectivePolicies effective;
    private final PolicySigner signer;
    private final Authenticator auth;
    private final AdminAudit audit;
    private final ServiceConfig config;

    public PolicyRoutes(PolicyStore store, PolicySigner signer, Authenticator auth, AdminAudit audit, ServiceConfig config) {
        this.store = store;
        this.effective = new EffectivePolicies(store);
        this.signer = signer;
        this.auth = auth;
        this.audit = audit;
        this.config = config;
    }

    public void register(RouteTable routes) {
        routes.get("/v1/keys", this::keys)
                .get("/v1/policies/effective", this::effective)
                .get("/v1/policies/active", this::active)
                .post("/v1/policies/rollback", this::rollback)
                .post("/v1/policies", this::upload)
                .get("/v1/policies", this::list)
                .get("/v1/policies/{version}", this::get)
                .post("/v1/policies/{version}/activate", this::activate);
    }

    private void keys(Context ctx) {
        ctx.header("Cache-Control", "public, max-age=300");
        Responses.json(ctx, signer.publicJwks());
    }

    private void upload(Context ctx) {
        Principal admin = auth.require(ctx, Role.ADMIN);
        String mediaType = Bodies.mediaType(ctx.header("Content-Type"));
        String text = Bodies.text(ctx, UPLOAD_TYPES, config.maxBodyBytes());
        String format = mediaType != null && YAML.contains(mediaType) ? "yaml" : "json";
        if (format.equals("json") && !text.stripLeading().startsWith("{")) {
            throw ApiException.badRequest("Content-Type is application/json but the body is not a JSON object; send YAML as application/yaml");
        }
        PolicyStore.Upload upload = store.upload(text, format, admin.subject());
        PolicyVersion version = upload.version();
        if (upload.created()) {
            audit.allowed(admin, "policy.upload", "policy:" + version.version(), "sha256 " + version.sha256());
        }
        if (Boolean.parseBoolean(ctx.queryParam("activate"))) {
            store.activate(version.version(), admin.subject(), "activate");
            audit.allowed(admin, "policy.activate", "policy:" + version.version(), "activated on upload");
            version = store.version(version.version()).orElseThrow();
        }
        ctx.header("Location", "/v1/policies/" + version.version());
        Responses.json(ctx, upload.created() ? 201 : 200, version);
    }

    private void list(Context ctx) {
        auth.require(ctx, Role.ADMIN, Role.AUDITOR);
        ObjectNode body = Json.object();
        ArrayNode versions = body.putArray("versions");
        store.versions().forEach(each -> versions.add(Json.mapper().valueToTree(each)));
        store.activeVersion().ifPresentOrElse(v -> body.put("active", v), () -> body.putNull("active"));
        Responses.json(ctx, body);
    }

    private void get(Context ctx) {
        auth.require(ctx, Role.ADMIN, Role.AUDITOR);
        long version = versionParam(ctx);
        PolicyVersion meta = store.version(version).orElseThrow(() -> notUploaded(version));
        ctx.header("Governed-Policy-Version", String.valueOf(version));
        if ("json".equals(ctx.queryParam("format"))) {
            Responses.json(ctx, Json.readTree(PolicyDocuments.toJson(store.document(version).orElseThrow()), "policy"));
            return;
        }
        String source = store.source(version).orElseThrow();
        ctx.status(200).contentType(meta.format().equals("yaml") ? "application/yaml" : "application/json").result(source);
    }

    private void active(Context ctx) {
        auth.require(ctx, Role.ADMIN, Role.AUDITOR);
        long version = store.activeVersion().orElseThrow(() -> new ApiException(404, "no_active_policy", "no policy is active yet"));
        ctx.header("Governed-Policy-Version", String.valueOf(version));
        Responses.json(ctx, Json.readTree(PolicyDocuments.toJson(store.document(version).orElseThrow()), "policy"));
    }

    private void activate(Context ctx) {
        Principal admin = auth.require(ctx, Role.ADMIN);
        long version = versionParam(ctx);
        store.activate(version, admin.subject(), "activate");
        audit.allowed(admin, "policy.activate", "policy:" + version, null);
        Responses.json(ctx, store.version(version).orElseThrow());
    }

    private void rollback(Context ctx) {
        Principal admin = auth.require(ctx, Role.ADMIN);
        long previous = store.previousVersion().orElseThrow(() -> ApiException.conflict(
                "there is no earlier activation to roll back to; activate a version explicitly with POST /v1/policies/{version}/activate"));
        long from = store.activeVersion().orElse(-1);
        store.activate(previous, admin.subject(), "rollback");
        audit.allowed(admin, "policy.rollback", "policy:" + previous, "rolled back from version " + from);
        Responses.json(ctx, store.version(previous).orElseThrow());
    }

    private void effective(Context ctx) {
        Principal caller = auth.require(ctx, Role.AGENT, Role.ADMIN);
        String resource = ctx.queryParam("resource");
        if (resource == null || resource.isBlank()) {
            throw ApiException.badRequest("query parameter 'resource' is required: the datasource or API name policies refer to "
                    + "(governed.resource)");
        }
        String environment = blankToNull(ctx.queryParam("environment"));
        EffectivePolicies.Served served = effective.effective(caller.identity().caller(), resource, environment);
        boolean signed = wantsJose(ctx.header("Accept"));
        if (signed && !config.signPolicies()) {
            throw new ApiException(406, "not_acceptable", "this service does not sign policies (governed.service.signPolicies=false); "
                    + "ask for application/json");
        }
        String etag = signed ? served.etag().replace("\"", "") : served.etag();
        etag = signed ? "\"" + etag + "-jws\"" : etag;
        ctx.header("ETag", etag);
        ctx.header("Cache-Control", "private, no-cache");
        ctx.header("Vary", "Authorization, Accept");
        ctx.header("Governed-Policy-Version", String.valueOf(served.version()));
        if (matches(ctx.header("If-None-Match"), etag)) {
            ctx.status(304);
            return;
        }
        if (signed) {
            String jws = signer.sign(served.json(), caller.subject(), resource, environment);
            ctx.status(200).contentType(JOSE).result(jws);
        } else {
            ctx.status(200).contentType("application/json").result(served.json());
        }
    }

    private static boolean wantsJose(String accept) {
        return accept != null && Arrays.stream(accept.split(",")).map(Bodies::mediaType).anyMatch(JOSE::equals);
    }

    private static boolean matches(String ifNoneMatch, String etag) {
        if (ifNoneMatch == null) {
            return false;
        }
        return Arrays.stream(ifNoneMatch.split(",")).map(String::trim)
                .anyMatch(each -> each.equals("*") || each.equals(etag) || each.equals("W/" + etag));
    }

    private static long versionParam(Context ctx) {
        String text = ctx.pathParam("version");
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("'" + text + "' is not a policy version number");
        }
    }

    private static ApiException notUploaded(long version) {
        return ApiException.notFound("policy version " + version + " has not been uploaded; see GET /v1/policies");
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
