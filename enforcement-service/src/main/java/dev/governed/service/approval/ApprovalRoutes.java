package dev.governed.service.approval;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.governed.policy.Approval;
import dev.governed.policy.Caller;
import dev.governed.policy.Effect;
import dev.governed.policy.HttpRule;
import dev.governed.policy.PolicyDocument;
import dev.governed.policy.Rule;
import dev.governed.policy.When;
import dev.governed.service.ServiceConfig;
import dev.governed.service.audit.AdminAudit;
import dev.governed.service.auth.Authenticator;
import dev.governed.service.auth.Principal;
import dev.governed.service.auth.Role;
import dev.governed.service.policy.PolicyStore;
import dev.governed.service.web.ApiException;
import dev.governed.service.web.Bodies;
import dev.governed.service.web.Json;
import dev.governed.service.web.Responses;
import dev.governed.service.web.RouteTable;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * {@code /v1/approvals}: agents ask, approvers decide. The approvers of a request are those of its rule in the
 * stored policy, never what the request says, and nobody approves their own request.
 */
public final class ApprovalRoutes {
    private static final int MAX_STATEMENT = 64 * 1024;
    private static final int MAX_FIELD = 1024;
    private static final int MAX_TOUCHES = 256;

    private final ApprovalStore store;
    private final ApprovalWaiters waiters;
    private final PolicyStore policies;
    private final Authenticator auth;
    private final AdminAudit audit;
    private final ServiceConfig config;
    private final SessionGrants grants;
    private final Clock clock;

    public ApprovalRoutes(ApprovalStore store, ApprovalWaiters waiters, PolicyStore policies, Authenticator auth, AdminAudit audit,
                          ServiceConfig config, SessionGrants grants) {
        this.store = store;
        this.grants = grants;
        this.waiters = waiters;
        this.policies = policies;
        this.auth = auth;
        this.audit = audit;
        this.config = config;
        this.clock = config.clock();
    }

    /**
     * The body of {@code POST /v1/approvals}; the requester comes from the token. {@code login} names the minted login
     * the statement will run on, which an approval then grants what it needs; {@code touches} says what the statement
     * does to which tables, which bounds what a once-approval grants.
     */
    record CreateRequest(String statement, String fingerprint, String parameterDigest, String resource, String environment, String rule,
                         Long policyVersion, String reason, String login, List<ApprovalRecord.Touch> touches) {}

    /** The body of approve, deny and revoke; {@code ttlSeconds} shortens an approval's grant. */
    record DecisionRequest(String reason, Long ttlSeconds) {}

    public void register(RouteTable routes) {
        routes.post("/v1/approvals", this::create)
                .get("/v1/approvals", this::list)
                .get("/v1/approvals/{id}", this::get)
                .get("/v1/approvals/{id}/wait", this::await)
                .post("/v1/approvals/{id}/approve", ctx -> decide(ctx, true))
                .post("/v1/approvals/{id}/deny", ctx -> decide(ctx, false))
                .post("/v1/approvals/{id}/revoke", this::revoke)
                .post("/v1/approvals/{id}/consume", this::consume)
                .post("/v1/approvals/{id}/complete", this::complete);
        new ApprovalPage().register(routes);
    }

    private void create(Context ctx) {
        Principal caller = auth.require(ctx, Role.AGENT);
        CreateRequest request = Json.read(Bodies.text(ctx, Bodies.JSON, config.maxBodyBytes()), CreateRequest.class, "the approval request");
        required(request.statement(), "statement", MAX_STATEMENT);
        required(request.fingerprint(), "fingerprint", MAX_FIELD);
        required(request.resource(), "resource", MAX_FIELD);
        required(request.rule(), "rule", MAX_FIELD);
        optional(request.parameterDigest(), "parameterDigest");
        optional(request.environment(), "environment");
        optional(request.reason(), "reason");
        optional(request.login(), "login");
        List<ApprovalRecord.Touch> touches = touches(request.touches());
        long version = request.policyVersion() != null ? request.policyVersion() : policies.activeVersion().orElseThrow(
                () -> ApiException.conflict("no policy is active, so no rule can require approval"));
        PolicyDocument document = policies.document(version).orElseThrow(
                () -> ApiException.badRequest("policy version " + version + " is not known to this service"));
        Caller who = caller.identity().caller();
        ApprovalRule rule = approvalRule(document, request.rule());
        if (!rule.when().matches(who, request.resource(), request.environment())) {
            throw ApiException.badRequest("rule '" + request.rule() + "' of policy version " + version + " does not apply to '"
                    + caller.subject() + "' on resource '" + request.resource() + "'" + (request.environment() == null ? "" : " in "
                    + request.environment()) + "; approvals are only for statements a rule sends to approval");
        }
        if (request.login() != null) {
            grants.checkLogin(caller, request.login(), request.resource());
        }
        Instant now = clock.instant();
        Optional<ApprovalRecord> existing = store.reusable(caller.subject(), caller.identity().onBehalfOf(), request.fingerprint(), request.parameterDigest(),
                request.resource(), request.environment(), request.rule(), request.login(), now);
        if (existing.isPresent()) {
            ctx.header("Location", "/v1/approvals/" + existing.get().id());
            Responses.json(ctx, 200, existing.get().asOf(now));
            return;
        }
        Approval approval = rule.approval();
        ApprovalRecord record = new ApprovalRecord(UUID.randomUUID().toString(), ApprovalRecord.PENDING, request.statement(),
                request.fingerprint(), request.parameterDigest(),
                new ApprovalRecord.Requester(caller.subject(), caller.groups().stream().sorted().toList(), caller.identity().issuer(),
                        caller.identity().onBehalfOf(), caller.identity().delegation()),
                request.resource(), request.environment(), request.rule(), version, approval.approverGroups(), approval.mode().key(),
                approval.ttl() == null ? null : approval.ttl().toSeconds(), now, now.plus(config.approvalTimeout()),
                null, null, null, null, null, null, null, null, request.reason(), approval.minApprovals(), List.of(), request.login(), touches);
        store.insert(record);
        audit.approval(caller, "approval.request", record.id(), "rule " + record.rule() + " on " + record.resource() + ": "
                + record.statement());
        ctx.header("Location", "/v1/approvals/" + record.id());
        Responses.json(ctx, 201, record);
    }

    /** The approval part of an SQL or HTTP rule with effect approve. */
    private record ApprovalRule(When when, Approval approval) {}

    private static ApprovalRule approvalRule(PolicyDocument document, String id) {
        Optional<Rule> sql = document.rule(id);
        if (sql.isPresent() && sql.get().effect() == Effect.APPROVE) {
            return new ApprovalRule(sql.get().when(), sql.get().approval());
        }
        Optional<HttpRule> http = document.httpRule(id);
        if (http.isPresent() && http.get().effect() == Effect.APPROVE) {
            return new ApprovalRule(http.get().when(), http.get().approval());
        }
        throw ApiException.badRequest("policy version " + document.version() + " has no rule '" + id + "' with effect approve");
    }

    private void get(Context ctx) {
        Principal caller = auth.principal(ctx);
        Responses.json(ctx, visible(caller, ctx.pathParam("id")).asOf(clock.instant()));
    }

    private void await(Context ctx) {
        Principal caller = auth.principal(ctx);
        ApprovalRecord record = visible(caller, ctx.pathParam("id"));
        long seconds = longParam(ctx, "timeout", 30);
        Duration asked = Duration.ofSeconds(Math.max(0, seconds));
        Duration timeout = asked.compareTo(config.maxWait()) > 0 ? config.maxWait() : asked;
        ctx.future(() -> waiters.await(record, timeout).thenAccept(latest -> Responses.json(ctx, latest)));
    }

    private void list(Context ctx) {
        Principal caller = auth.principal(ctx);
        String status = ctx.queryParam("status");
        if (status != null && !Set.of("pending", "approved", "denied", "expired", "revoked", "consumed").contains(status)) {
            throw ApiException.badRequest("status '" + status + "' is not one of pending, approved, denied, expired, revoked, consumed");
        }
        int limit = (int) Math.min(500, Math.max(1, longParam(ctx, "limit", 100)));
        Instant now = clock.instant();
        ObjectNode body = Json.object();
        ArrayNode approvals = body.putArray("approvals");
        List<ApprovalRecord> rows = store.list(ApprovalRecord.EXPIRED.equals(status) ? null : status, 500);
        rows.stream()
                .map(each -> each.asOf(now))
                .filter(each -> status == null || status.equals(each.status()))
                .filter(each -> canSee(caller, each))
                .limit(limit)
                .forEach(each -> approvals.add(Json.mapper().valueToTree(each)));
        Responses.json(ctx, body);
    }

    private void decide(Context ctx, boolean approve) {
        Principal approver = auth.principal(ctx);
        String operation = approve ? "approval.approve" : "approval.deny";
        ApprovalRecord record = find(ctx.pathParam("id"));
        if (!approver.has(Role.APPROVER)) {
            throw ApiException.forbidden("'" + approver.subject() + "' is not an approver (groups " + approver.groups() + "); only callers "
                    + "with the approver role may approve or deny");
        }
        if (isRequester(approver, record)) {
            throw ApiException.forbidden("'" + approver.subject() + "' requested approval " + record.id() + " or is a party of its"
                    + " request " + record.requester().parties().stream().sorted().toList() + ", so cannot decide it; another approver from "
                    + record.approverGroups() + " must");
        }
        if (ApprovalStore.overlap(approver.groups(), record.approverGroups()).isEmpty()) {
            throw ApiException.forbidden("'" + approver.subject() + "' is not in the approver groups of rule '" + record.rule() + "' "
                    + record.approverGroups() + "; its groups are " + approver.groups());
        }
        DecisionRequest request = decisionBody(ctx);
        if (!approve && (request.reason() == null || request.reason().isBlank())) {
            throw ApiException.badRequest("a denial needs a reason: send {\"reason\": \"...\"}");
        }
        optional(request.reason(), "reason");
        Instant now = clock.instant();
        if (approve && record.minApprovals() > 1 && ApprovalRecord.PENDING.equals(record.statusAt(now))) {
            boolean voted = store.vote(record.id(), approver.subject(), request.reason(), now);
            int votes = store.votes(record.id()).size();
            if (!voted && votes < record.minApprovals()) {
                throw ApiException.conflict("'" + approver.subject() + "' already approved " + record.id() + "; it needs "
                        + record.minApprovals() + " different approvers");
            }
            // Quorum reached earlier but still pending: the decision itself failed (e.g. its grant), so it may be retried.
            if (voted && votes < record.minApprovals()) {
                audit.approval(approver, "approval.approve", record.id(), "approval " + votes + " of " + record.minApprovals()
                        + " for rule " + record.rule() + " requested by " + record.requester().subject()
                        + (request.reason() == null ? "" : ": " + request.reason()));
                Responses.json(ctx, find(record.id()).asOf(now));
                return;
            }
        }
        Instant grantUntil = approve ? now.plus(grantDuration(record, request.ttlSeconds())) : null;
        boolean granted = false;
        if (approve && record.login() != null && ApprovalRecord.PENDING.equals(record.statusAt(now))) {
            // Granted before the decision is recorded: a driver that sees "approved" finds the privilege in place.
            granted = grants.grant(record, grantUntil, approver);
        }
        boolean decided = store.decide(record.id(), approve ? ApprovalRecord.APPROVED : ApprovalRecord.DENIED, approver.subject(),
                request.reason(), now, grantUntil);
        ApprovalRecord latest = find(record.id()).asOf(now);
        if (!decided && granted) {
            grants.end(record.id(), approver, "the approval was " + latest.status() + " before it could be recorded");
        }
        if (!decided) {
            throw ApiException.conflict("approval " + record.id() + " is " + latest.status() + ", not pending; it cannot be "
                    + (approve ? "approved" : "denied") + " any more");
        }
        waiters.changed(latest);
        audit.approval(approver, operation, record.id(), "rule " + record.rule() + " requested by " + record.requester().subject()
                + (request.reason() == null ? "" : ": " + request.reason()));
        Responses.json(ctx, latest);
    }

    /** once: valid for the approval timeout; window: the rule's ttl; an approver may shorten either, never lengthen. */
    private Duration grantDuration(ApprovalRecord record, Long ttlSeconds) {
        Duration limit = record.windowSeconds() != null ? Duration.ofSeconds(record.windowSeconds()) : config.approvalTimeout();
        if (ttlSeconds == null) {
            return limit;
        }
        if (ttlSeconds <= 0) {
            throw ApiException.badRequest("ttlSeconds must be positive");
        }
        Duration asked = Duration.ofSeconds(ttlSeconds);
        return asked.compareTo(limit) < 0 ? asked : limit;
    }

    private void revoke(Context ctx) {
        Principal caller = auth.principal(ctx);
        ApprovalRecord record = find(ctx.pathParam("id"));
        boolean approverOfRule = caller.has(Role.APPROVER) && !ApprovalStore.overlap(caller.groups(), record.approverGroups()).isEmpty();
        if (!caller.has(Role.ADMIN) && !approverOfRule && !isRequester(caller, record)) {
            throw ApiException.forbidden("'" + caller.subject() + "' may not revoke approval " + record.id() + ": only the requester, an "
                    + "approver of rule '" + record.rule() + "' or an admin may");
        }
        DecisionRequest request = decisionBody(ctx);
        optional(request.reason(), "reason");
        Instant now = clock.instant();
        if (!store.revoke(record.id(), caller.subject(), request.reason(), now)) {
            throw ApiException.conflict("approval " + record.id() + " is " + find(record.id()).asOf(now).status() + "; only pending or "
                    + "approved requests can be revoked");
        }
        ApprovalRecord latest = find(record.id());
        waiters.changed(latest);
        audit.approval(caller, "approval.revoke", record.id(), request.reason());
        grants.end(record.id(), caller, "approval revoked");
        Responses.json(ctx, latest.asOf(now));
    }

    /** The requester uses a once-approval; a second use is refused. Window grants stay valid until they end. */
    private void consume(Context ctx) {
        Principal caller = auth.require(ctx, Role.AGENT);
        ApprovalRecord record = find(ctx.pathParam("id"));
        if (!caller.subject().equals(record.requester().subject())) {
            throw ApiException.forbidden("approval " + record.id() + " was granted to '" + record.requester().subject()
                    + "', not to '" + caller.subject() + "'");
        }
        Instant now = clock.instant();
        ApprovalRecord current = record.asOf(now);
        if ("window".equals(current.mode()) && ApprovalRecord.APPROVED.equals(current.status())) {
            Responses.json(ctx, current);
            return;
        }
        if (!store.consume(record.id(), now)) {
            throw ApiException.conflict("approval " + record.id() + " is " + current.status() + " and cannot be used");
        }
        audit.approval(caller, "approval.use", record.id(), "the once-approval of rule " + record.rule() + " was used");
        Responses.json(ctx, find(record.id()).asOf(now));
    }

    /**
     * The requester reports that the statement a once-approval released has run (or failed): what the approval granted
     * its login is revoked now. For a window grant nothing changes; it ends with its window or a revocation.
     */
    private void complete(Context ctx) {
        Principal caller = auth.require(ctx, Role.AGENT);
        ApprovalRecord record = find(ctx.pathParam("id"));
        if (!caller.subject().equals(record.requester().subject())) {
            throw ApiException.forbidden("approval " + record.id() + " was granted to '" + record.requester().subject()
                    + "', not to '" + caller.subject() + "'");
        }
        ApprovalRecord current = record.asOf(clock.instant());
        if ("once".equals(current.mode()) && !ApprovalRecord.CONSUMED.equals(current.status())) {
            throw ApiException.conflict("approval " + record.id() + " is " + current.status() + ", not used; only a used "
                    + "once-approval can be completed (POST /v1/approvals/" + record.id() + "/consume first)");
        }
        if ("once".equals(current.mode())) {
            grants.end(record.id(), caller, "the approved statement ran");
        }
        Responses.json(ctx, current);
    }

    private DecisionRequest decisionBody(Context ctx) {
        long length = ctx.req().getContentLengthLong();
        if (length == 0 && ctx.header("Content-Type") == null) {
            return new DecisionRequest(null, null);
        }
        String text = Bodies.text(ctx, Bodies.JSON, config.maxBodyBytes());
        return text.isBlank() ? new DecisionRequest(null, null) : Json.read(text, DecisionRequest.class, "the decision");
    }

    private ApprovalRecord find(String id) {
        return store.find(id).map(this::persistExpiry).orElseThrow(() -> ApiException.notFound("no approval " + id));
    }

    private ApprovalRecord persistExpiry(ApprovalRecord record) {
        String now = record.statusAt(clock.instant());
        if (ApprovalRecord.EXPIRED.equals(now) && !ApprovalRecord.EXPIRED.equals(record.status())) {
            store.markExpired(record.id(), record.status());
        }
        return record;
    }

    private ApprovalRecord visible(Principal caller, String id) {
        ApprovalRecord record = find(id);
        if (!canSee(caller, record)) {
            throw ApiException.notFound("no approval " + id + " visible to '" + caller.subject() + "'");
        }
        return record;
    }

    private static boolean canSee(Principal caller, ApprovalRecord record) {
        return caller.has(Role.ADMIN) || caller.has(Role.AUDITOR) || caller.subject().equals(record.requester().subject())
                || (caller.has(Role.APPROVER) && !ApprovalStore.overlap(caller.groups(), record.approverGroups()).isEmpty());
    }

    /**
     * Whether the caller had a part in the request: nobody approves a request they made, one made for them, or one
     * made by a chain of delegation (RFC 8693 {@code act}) they belong to. Every party of the caller's own token
     * counts too, so an approver acting through a delegated token cannot decide for a requester in its chain.
     */
    private static boolean isRequester(Principal caller, ApprovalRecord record) {
        Set<String> requester = record.requester().parties();
        String onBehalfOf = caller.identity().onBehalfOf(); // immutable sets refuse contains(null)
        return requester.contains(caller.subject()) || (onBehalfOf != null && requester.contains(onBehalfOf))
                || caller.identity().delegation().stream().anyMatch(requester::contains);
    }

    private static List<ApprovalRecord.Touch> touches(List<ApprovalRecord.Touch> touches) {
        if (touches == null) {
            return List.of();
        }
        if (touches.size() > MAX_TOUCHES) {
            throw ApiException.badRequest("field 'touches' lists more than " + MAX_TOUCHES + " table operations");
        }
        for (ApprovalRecord.Touch each : touches) {
            if (each == null) {
                throw ApiException.badRequest("field 'touches' has an empty entry");
            }
            required(each.operation(), "touches.operation", MAX_FIELD);
            optional(each.schema(), "touches.schema");
            required(each.table(), "touches.table", MAX_FIELD);
        }
        return touches;
    }

    private static void required(String value, String field, int max) {
        if (value == null || value.isBlank()) {
            throw ApiException.badRequest("field '" + field + "' is required");
        }
        if (value.length() > max) {
            throw ApiException.badRequest("field '" + field + "' is longer than " + max + " characters");
        }
    }

    private static void optional(String value, String field) {
        if (value != null && value.length() > MAX_FIELD) {
            throw ApiException.badRequest("field '" + field + "' is longer than " + MAX_FIELD + " characters");
        }
    }

    private static long longParam(Context ctx, String name, long defaultValue) {
        String value = ctx.queryParam(name);
        if (value == null || value.isBlank()) {
            return defaultValue;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("query parameter " + name + "='" + value + "' is not a whole number");
        }
    }
}
