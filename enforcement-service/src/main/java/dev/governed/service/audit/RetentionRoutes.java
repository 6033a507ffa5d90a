package dev.governed.service.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.governed.audit.AuditJson;
import dev.governed.service.ServiceConfig;
import dev.governed.service.auth.Authenticator;
import dev.governed.service.auth.Principal;
import dev.governed.service.auth.Role;
import dev.governed.service.web.ApiException;
import dev.governed.service.web.Bodies;
import dev.governed.service.web.Json;
import dev.governed.service.web.Responses;
import dev.governed.service.web.RouteTable;
import io.javalin.http.Context;
import java.util.Set;

/**
 * {@code /v1/audit/retention}, {@code /v1/audit/holds} and {@code /v1/audit/expire}: the retention rules and the signed
 * records of what expired (auditors), legal holds that stop expiry and expiry on demand (administrators; each change
 * is an admin audit event).
 */
public final class RetentionRoutes {
    private final RetentionExpiry expiry;
    private final LegalHolds holds;
    private final AuditStore store;
    private final Authenticator auth;
    private final AdminAudit audit;
    private final ServiceConfig config;

    public RetentionRoutes(RetentionExpiry expiry, LegalHolds holds, AuditStore store, Authenticator auth, AdminAudit audit,
                           ServiceConfig config) {
        this.expiry = expiry;
        this.holds = holds;
        this.store = store;
        this.auth = auth;
        this.audit = audit;
        this.config = config;
    }

    public void register(RouteTable routes) {
        routes.get("/v1/audit/retention", this::retention)
                .get("/v1/audit/holds", this::listHolds)
                .post("/v1/audit/holds", this::addHold)
                .delete("/v1/audit/holds/{id}", this::releaseHold)
                .post("/v1/audit/expire", this::expire);
    }

    private void retention(Context ctx) {
        auth.require(ctx, Role.AUDITOR, Role.ADMIN);
        ObjectNode body = Json.object();
        ArrayNode rules = body.putArray("rules");
        expiry.rules().all().forEach(rule -> rules.addObject().put("scope", rule.scope()).put("value", rule.value())
                .put("period", rule.written()));
        body.put("interval", config.retentionInterval().toString());
        ArrayNode records = body.putArray("records");
        store.forEachRetention(ctx.queryParam("stream"), json -> records.add(AuditJson.readTree(json)));
        Responses.json(ctx, body);
    }

    private void listHolds(Context ctx) {
        auth.require(ctx, Role.AUDITOR, Role.ADMIN);
        ObjectNode body = Json.object();
        ArrayNode list = body.putArray("holds");
        holds.list().forEach(each -> list.add(json(each)));
        Responses.json(ctx, body);
    }

    private void addHold(Context ctx) {
        Principal admin = auth.require(ctx, Role.ADMIN);
        JsonNode body = Json.readTree(Bodies.text(ctx, Bodies.JSON, config.maxBodyBytes()), "hold");
        LegalHolds.Hold hold;
        try {
            hold = holds.add(text(body, "scope"), text(body, "value"), text(body, "reason"), admin.subject());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        audit.allowed(admin, "audit.hold.add", "hold:" + hold.id(), hold.describe() + ": " + hold.reason());
        Responses.json(ctx, 201, json(hold));
    }

    private void releaseHold(Context ctx) {
        Principal admin = auth.require(ctx, Role.ADMIN);
        String id = ctx.pathParam("id");
        LegalHolds.Hold released = holds.release(id)
                .orElseThrow(() -> ApiException.notFound("no legal hold '" + id + "'; list them with GET /v1/audit/holds"));
        audit.allowed(admin, "audit.hold.release", "hold:" + released.id(), released.describe() + ": " + released.reason());
        Responses.json(ctx, json(released));
    }

    private void expire(Context ctx) {
        Principal admin = auth.require(ctx, Role.ADMIN);
        String dryRunParam = ctx.queryParam("dryRun");
        if (dryRunParam != null && !Set.of("true", "false").contains(dryRunParam)) {
            throw ApiException.badRequest("query parameter dryRun='" + dryRunParam + "' must be true or false");
        }
        RetentionExpiry.Result result = expiry.run("true".equals(dryRunParam));
        if (!result.dryRun()) {
            result.expired().forEach(each -> audit.allowed(admin, "audit.expire", "stream:" + each.stream(), describe(each)));
        }
        Responses.json(ctx, json(result));
    }

    /** What an admin audit event says about one expiry. */
    static String describe(RetentionExpiry.Expiry expiry) {
        return "events " + expiry.first() + ".." + expiry.last() + " under rule " + expiry.rule();
    }

    static ObjectNode json(RetentionExpiry.Result result) {
        ObjectNode body = Json.object().put("dryRun", result.dryRun());
        ArrayNode expired = body.putArray("expired");
        result.expired().forEach(each -> expired.addObject().put("stream", each.stream()).put("first", each.first())
                .put("last", each.last()).put("count", each.last() - each.first() + 1).put("rule", each.rule()));
        ArrayNode held = body.putArray("held");
        result.held().forEach(each -> held.addObject().put("stream", each.stream()).put("seq", each.seq()).put("hold", each.hold())
                .put("holdId", each.holdId()));
        ArrayNode failed = body.putArray("failed");
        result.failed().forEach(each -> failed.addObject().put("stream", each.stream()).put("reason", each.reason()));
        return body;
    }

    private static ObjectNode json(LegalHolds.Hold hold) {
        return Json.object().put("id", hold.id()).put("scope", hold.scope()).put("value", hold.value()).put("reason", hold.reason())
                .put("createdBy", hold.createdBy()).put("createdAt", hold.createdAt().toString());
    }

    private static String text(JsonNode body, String field) {
        JsonNode value = body.path(field);
        if (!value.isMissingNode() && !value.isNull() && !value.isTextual()) {
            throw ApiException.badRequest("'" + field + "' must be a string");
        }
        return value.isTextual() ? value.textValue() : null;
    }
}
