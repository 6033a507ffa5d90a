package dev.governed.core.engine;

import dev.governed.audit.AuditEvent;
import dev.governed.audit.AuditIds;
import dev.governed.core.identity.Identity;
import dev.governed.policy.CompiledPolicy;
import dev.governed.policy.Decision;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * The engine's answer for one request, taken from one policy snapshot: decision, rule, policy version, the masks
 * in force, whether the caller may write, and the approval the rule asked for. The same object records the
 * request's audit event: a refusal is recorded before {@link Engine#admit} returns; an allowed request is recorded
 * by {@link #complete}, {@link #fail} or {@link #refuse}, whichever comes first. A transport that reports more
 * (bound parameters, a result read later) passes its own {@link AuditEvent.Action}, or records a follow-up.
 */
public final class Admission {

    private final Engine engine;
    private final Request request;
    private final VerifiedCaller caller;
    private final CompiledPolicy policy;
    private final Decision decision;
    private final boolean allowed;
    private final List<ActiveMask> masks;
    private final Decision.Approve approvalRequired;
    private final String approvalId;
    private final long startNanos;
    private final String eventId = AuditIds.newId();
    private static final AtomicIntegerFieldUpdater<Admission> RECORDED =
            AtomicIntegerFieldUpdater.newUpdater(Admission.class, "recorded");
    private volatile int recorded; // 1 once the request's own event is recorded; a field, not an object per request
    /** {@link #mayWrite}, once asked: the same for every {@link #again} of this admission (same caller and snapshot). */
    private Boolean mayWrite;

    Admission(Engine engine, Request request, VerifiedCaller caller, CompiledPolicy policy, Decision decision,
              boolean allowed, List<ActiveMask> masks, Decision.Approve approvalRequired, String approvalId,
              long startNanos) {
        this.engine = engine;
        this.request = request;
        this.caller = caller;
        this.policy = policy;
        this.decision = decision;
        this.allowed = allowed;
        this.masks = masks;
        this.approvalRequired = approvalRequired;
        this.approvalId = approvalId;
        this.startNanos = startNanos;
    }

    /** The same decision for the same request once more, with its own event. */
    Admission again(long start) {
        Admission result = new Admission(engine, request, caller, policy, decision, allowed, masks, approvalRequired,
                approvalId, start);
        result.mayWrite = mayWrite;
        return result;
    }

    /** Allowed by the policy, or released by an approval. */
    public boolean isAllowed() {
        return allowed;
    }

    /** The policy's decision; {@link Decision.Approve} when an approval released (or would release) the request. */
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

    /**
     * Whether the same policy snapshot lets this caller write anything on the resource; false for a refusal.
     * A transport holds the caller's session read-only at the database when not.
     */
    public boolean mayWrite() {
        Boolean known = mayWrite; // a racing second computation gives the same answer
        if (known == null) {
            known = allowed && policy != null
                    && policy.allowsWrites(caller.identity().caller(), request.resource(), engine.environment());
            mayWrite = known;
        }
        return known;
    }

    /** The approval the matching rule asked for, or null when it asked for none. */
    public Decision.Approve approvalRequired() {
        return approvalRequired;
    }

    /** The approval that released the request (or that refused it, or is pending), or null. */
    public String approvalId() {
        return approvalId;
    }

    /** The verified caller, or null when the token was missing or invalid. */
    public Identity identity() {
        return caller == null ? null : caller.identity();
    }

    /**
     * The token this request was allowed for, so the transport can act for the same caller (the HTTP client
     * resolves a credential from the enforcement service with it); null for a refusal. Never log or audit it.
     */
    public String callerToken() {
        return allowed && caller != null ? caller.token() : null;
    }

    public Request request() {
        return request;
    }

    /** The id the request's own event carries, so an event recorded later can name it. */
    public String eventId() {
        return eventId;
    }

    /** When the request's admission began ({@link System#nanoTime}), for the events' durations. */
    public long startNanos() {
        return startNanos;
    }

    CompiledPolicy policy() {
        return policy;
    }

    /** What a refused caller is told: the rule, the reason and what to do next. */
    public String denialMessage() {
        String version = decision.policyVersion() < 0 ? "" : " (policy version " + decision.policyVersion() + ")";
        String where = request.resource() == null ? "" : " on " + request.resource();
        return "Governed denied " + request.statement() + where + ": rule '" + decision.ruleId()
                + "': " + decision.reason() + version + ". Ask a policy administrator if this access is needed.";
    }

    /** Records the allowed request's event: it ran. */
    public void complete(Long count, List<AuditEvent.Masking> masking) {
        complete(request.action(false), count, masking);
    }

    /** The same, with the transport's account of the action (e.g. its bound parameters). */
    public void complete(AuditEvent.Action action, Long count, List<AuditEvent.Masking> masking) {
        record(action, "ok", count, null, masking, null, null);
    }

    /** Records the allowed request's event: it failed on the way. */
    public void fail(Throwable error) {
        fail(request.action(false), error.getClass().getSimpleName() + ": " + error.getMessage());
    }

    /** The same, with the transport's account of the action and of the error. */
    public void fail(AuditEvent.Action action, String error) {
        record(action, "error", null, error, List.of(), null, null);
    }

    /**
     * Records the allowed request's event as refused after all, by the transport (e.g. a response it cannot
     * mask): {@code rule} and {@code reason} replace the policy's.
     */
    public void refuse(String rule, String reason) {
        refuse(request.action(false), rule, reason);
    }

    /** The same, with the transport's account of the action. */
    public void refuse(AuditEvent.Action action, String rule, String reason) {
        Long version = decision.policyVersion() < 0 ? null : decision.policyVersion();
        record(action, "denied", null, reason, List.of(), null,
                new AuditEvent.DecisionInfo("deny", rule, reason, version, null));
    }

    /**
     * Records another event for the same request after its own, e.g. what reading a result revealed: a new id,
     * the same decision.
     */
    public void followUp(AuditEvent.Action action, String status, Long count, List<AuditEvent.Masking> masking,
                         AuditEvent.Result result) {
        engine.record(this, AuditIds.newId(), action,
                engine.decisionInfo(decision, decision.effect().key(), approvalId), masking, outcome(status, count,
                        null, result));
    }

    /** Whether the request's own event has been recorded. */
    public boolean isRecorded() {
        return recorded == 1;
    }

    void recordRefusal(String effect, boolean quotesMasked) {
        if (RECORDED.compareAndSet(this, 0, 1)) {
            engine.record(this, eventId, request.action(quotesMasked), engine.decisionInfo(decision, effect,
                    approvalId), List.of(), outcome("denied", null, decision.reason(), null));
        }
    }

    private void record(AuditEvent.Action action, String status, Long count, String error,
                        List<AuditEvent.Masking> masking, AuditEvent.Result result, AuditEvent.DecisionInfo override) {
        if (!RECORDED.compareAndSet(this, 0, 1)) {
            return;
        }
        AuditEvent.DecisionInfo info = override != null ? override
                : engine.decisionInfo(decision, decision.effect().key(), approvalId);
        engine.record(this, eventId, action, info, masking, outcome(status, count, error, result));
    }

    private AuditEvent.Outcome outcome(String status, Long count, String error, AuditEvent.Result result) {
        return new AuditEvent.Outcome(status, count, (System.nanoTime() - startNanos) / 1_000, error, result);
    }
}
