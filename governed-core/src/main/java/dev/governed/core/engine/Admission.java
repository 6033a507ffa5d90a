package dev.governed.core.engine;

import dev.governed.audit.AuditEvent;
import dev.governed.core.identity.Identity;
import dev.governed.policy.Decision;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The engine's answer for one request, taken from one policy snapshot: decision, rule, policy
 * version, the masks in force and the approval the rule asked for. The same object records the
 * request's one audit event: a denial is recorded before {@link Engine#admit} returns; an allowed
 * request is recorded by {@link #complete}, {@link #fail} or {@link #refuse}, whichever comes first.
 */
public final class Admission {

    private final Engine engine;
    private final Request request;
    private final Identity identity;
    private final Decision decision;
    private final List<ActiveMask> masks;
    private final Decision.Approve approvalRequired;
    private final long startNanos;
    private final AtomicBoolean recorded = new AtomicBoolean();
    private final String callerToken;

    Admission(Engine engine, Request request, Identity identity, Decision decision, List<ActiveMask> masks,
              Decision.Approve approvalRequired, long startNanos) {
        this(engine, request, identity, null, decision, masks, approvalRequired, startNanos);
    }

    Admission(Engine engine, Request request, Identity identity, String callerToken, Decision decision,
              List<ActiveMask> masks, Decision.Approve approvalRequired, long startNanos) {
        this.callerToken = callerToken;
        this.engine = engine;
        this.request = request;
        this.identity = identity;
        this.decision = decision;
        this.masks = List.copyOf(masks);
        this.approvalRequired = approvalRequired;
        this.startNanos = startNanos;
    }

    public boolean isAllowed() {
        return decision instanceof Decision.Allow;
    }

    public Decision decision() {
        return decision;
    }

    public String rule() {
        return decision.ruleId();
    }

    /** The version of the policy that decided; negative when no policy could be read. */
    public long policyVersion() {
        return decision.policyVersion();
    }

    /** The masks to apply to the result, configured; empty when none applies to this caller. */
    public List<ActiveMask> masks() {
        return masks;
    }

    /** The approval the matching rule asked for, or null when it asked for none. */
    public Decision.Approve approvalRequired() {
        return approvalRequired;
    }

    /** The verified caller, or null when the token was missing or invalid. */
    public Identity identity() {
        return identity;
    }

    /**
     * The token this request was allowed for, so the transport can act for the same caller (the HTTP client
     * resolves a credential from the enforcement service with it); null for a denial. Never log or audit it.
     */
    public String callerToken() {
        return callerToken;
    }

    public Request request() {
        return request;
    }

    /** What a denied caller is told: the rule, the reason and what to do next. */
    public String denialMessage() {
        String version = decision.policyVersion() < 0 ? "" : " (policy version " + decision.policyVersion() + ")";
        String where = request.resource() == null ? "" : " on " + request.resource();
        return "Governed denied " + request.statement() + where + ": rule '" + decision.ruleId()
                + "': " + decision.reason() + version + ". Ask a policy administrator if this access is needed.";
    }

    /** Records the allowed request's event: it ran. */
    public void complete(Long count, List<AuditEvent.Masking> masking) {
        record("ok", count, null, masking, null);
    }

    /** Records the allowed request's event: it failed on the way. */
    public void fail(Throwable error) {
        record("error", null, error.getClass().getSimpleName() + ": " + error.getMessage(), List.of(), null);
    }

    /**
     * Records the allowed request's event as denied after all, by the transport (e.g. a response
     * it cannot mask): {@code rule} and {@code reason} replace the policy's.
     */
    public void refuse(String rule, String reason) {
        record("denied", null, reason, List.of(),
                new AuditEvent.DecisionInfo("deny", rule, reason, version(), null));
    }

    /** Whether the event has been recorded. */
    public boolean isRecorded() {
        return recorded.get();
    }

    void recordDenial() {
        record("denied", null, decision.reason(), List.of(), null);
    }

    private Long version() {
        return decision.policyVersion() < 0 ? null : decision.policyVersion();
    }

    private void record(String status, Long count, String error, List<AuditEvent.Masking> masking,
                        AuditEvent.DecisionInfo override) {
        if (!recorded.compareAndSet(false, true)) {
            return;
        }
        AuditEvent.DecisionInfo info = override != null ? override : new AuditEvent.DecisionInfo(
                decision.effect().key(), decision.ruleId(), decision.reason(), version(), null);
        engine.record(request, identity, info, masking, new AuditEvent.Outcome(status, count,
                (System.nanoTime() - startNanos) / 1_000, error));
    }
}
