package dev.governed.core.engine;

import dev.governed.audit.AuditEvent;
import dev.governed.audit.AuditRecorder;
import dev.governed.core.GovernedSettings;
import dev.governed.core.identity.InvalidTokenException;
import dev.governed.core.identity.TokenProvider;
import dev.governed.core.identity.TokenProviders;
import dev.governed.core.identity.TokenSource;
import dev.governed.core.identity.TokenVerifier;
import dev.governed.core.identity.TokenVerifiers;
import dev.governed.core.internal.policy.PolicyUnavailable;
import dev.governed.core.mask.ConfiguredStrategies;
import dev.governed.core.mask.MaskConfiguration;
import dev.governed.core.mask.MaskStrategy;
import dev.governed.policy.Caller;
import dev.governed.policy.CompiledPolicy;
import dev.governed.policy.Decision;
import dev.governed.policy.PolicyException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;

/**
 * The transport-neutral enforcement engine: the caller, one policy snapshot per request, the decision with its
 * masks, write permission and approval, and the request's audit events. Transports (the JDBC driver, the HTTP
 * decorator) turn their requests into a {@link Request} and apply the {@link Admission} they get back.
 */
public final class Engine implements AutoCloseable {

    public static final String AUTHENTICATION_RULE = "authentication";
    public static final String POLICY_UNAVAILABLE_RULE = "policy-unavailable";
    public static final String MASKING_RULE = "masking";

    private final String environment;
    private final TokenSource tokens;
    private final TokenVerifier verifier;
    private final PolicySnapshots policies;
    private final AuditRecorder audit;
    private final ApprovalHook approvals;
    private final ConfiguredStrategies strategies;
    private final String sessionId = UUID.randomUUID().toString();
    private final AutoCloseable resources;
    private volatile VerifiedCaller last;
    private final AuditParts parts = new AuditParts();

    private Engine(String environment, TokenSource tokens, TokenVerifier verifier, PolicySnapshots policies,
                   AuditRecorder audit, ApprovalHook approvals, MaskConfiguration masks, AutoCloseable resources) {
        this.environment = environment;
        this.tokens = tokens;
        this.verifier = verifier;
        this.policies = policies;
        this.audit = audit;
        this.approvals = approvals;
        this.strategies = new ConfiguredStrategies(masks);
        this.resources = resources;
    }

    /**
     * An engine for these settings: {@code governed.policy}, {@code governed.issuer},
     * {@code governed.jwks}, {@code governed.audience}, {@code governed.audit},
     * {@code governed.environment} and the token keys, as the JDBC driver reads them.
     *
     * @throws PolicyException   when the policy cannot be loaded
     * @throws RuntimeException  ({@code AuditException}, {@code IllegalArgumentException}) when the
     *                           audit sinks or the verifier cannot be set up
     */
    public static Engine create(GovernedSettings settings) {
        return create(settings, ApprovalHook.DISABLED);
    }

    /** As {@link #create(GovernedSettings)}, with the approval flow {@code effect: approve} rules go to. */
    public static Engine create(GovernedSettings settings, ApprovalHook approvals) {
        TokenProvider provider = TokenProviders.configured(settings).orElse(null);
        TokenSource tokens;
        if (provider != null) {
            tokens = TokenSource.firstOf(List.of(TokenSource.scoped(), TokenProviders.asSource(provider)));
        } else {
            Properties explicit = new Properties();
            explicit.putAll(settings.explicit());
            tokens = TokenSource.standard(explicit);
        }
        String environment = settings.get(GovernedSettings.ENVIRONMENT).orElse(null);
        TokenVerifier verifier = TokenVerifiers.configured(settings);
        PolicySnapshots policies = PolicySnapshots.from(settings, environment);
        AuditRecorder audit;
        try {
            audit = AuditTrails.open(settings);
        } catch (RuntimeException e) {
            policies.close();
            throw e;
        }
        return new Engine(environment, tokens, verifier, policies, audit, approvals,
                MaskConfiguration.withKey(settings.get(MaskConfiguration.HASH_KEY).orElse(null)),
                closingBoth(policies, provider));
    }

    /**
     * An engine from parts, for a transport that brings its callers to every {@link #admit(Request, CallerSource,
     * ApprovalHook)} (the JDBC driver). Closing it closes {@code audit}, then {@code policies} and {@code resources}.
     */
    public static Engine of(String environment, TokenVerifier verifier, PolicySnapshots policies, AuditRecorder audit,
                            MaskConfiguration masks, AutoCloseable resources) {
        return new Engine(environment, TokenSource.standard(new Properties()), verifier, policies, audit,
                ApprovalHook.DISABLED, masks, closingBoth(policies, resources));
    }

    private static AutoCloseable closingBoth(AutoCloseable first, AutoCloseable second) {
        return () -> {
            try (AutoCloseable closedLast = first; AutoCloseable closedFirst = second) {
                // both closed, in reverse order
            }
        };
    }

    public String environment() {
        return environment;
    }

    /**
     * Decides {@code request} for the caller of the configured token sources against one policy snapshot.
     * A denial is audited before this returns; the caller of an allowed admission completes it.
     *
     * @throws dev.governed.audit.AuditException when a denial cannot be recorded and audit is required
     */
    public Admission admit(Request request) {
        return admit(request, this::caller, approvals);
    }

    /**
     * Decides {@code request} for the caller {@code callers} names, sending {@code effect: approve} to
     * {@code hook}: the decision, the masks, whether the caller may write and the approval, all from one policy
     * snapshot. A refusal is audited before this returns.
     *
     * @throws dev.governed.audit.AuditException when a refusal cannot be recorded and audit is required
     */
    public Admission admit(Request request, CallerSource callers, ApprovalHook hook) {
        long start = System.nanoTime();
        VerifiedCaller caller;
        try {
            caller = callers.current();
        } catch (InvalidTokenException e) {
            return refused(request, null, null, new Decision.Deny(AUTHENTICATION_RULE, e.getMessage(), -1), "deny",
                    null, null, start);
        }
        CompiledPolicy policy = null;
        try {
            if (request.question().needsPolicy()) {
                policy = policies.policyFor(caller.identity(), caller.token(), request.resource());
            }
        } catch (PolicyException | PolicyUnavailable e) {
            return refused(request, caller, null, new Decision.Deny(POLICY_UNAVAILABLE_RULE,
                    "Governed has no usable policy: " + e.getMessage(), -1), "deny", null, null, start);
        }
        return decide(request, caller, policy, hook, start);
    }

    /**
     * The same request again, e.g. a prepared statement executed once more: when its caller and the policy
     * snapshot are the ones {@code previous} was allowed under, its decision and masks stand (two reference
     * comparisons); otherwise, or when an approval released it, it is decided afresh.
     */
    public Admission readmit(Admission previous, CallerSource callers, ApprovalHook hook) {
        if (!previous.isAllowed() || previous.approvalId() != null || previous.policy() == null) {
            return admit(previous.request(), callers, hook);
        }
        long start = System.nanoTime();
        Request request = previous.request();
        VerifiedCaller caller;
        CompiledPolicy policy;
        try {
            caller = callers.current();
            if (caller.identity() != previous.identity()) {
                return admit(request, callers, hook);
            }
            policy = policies.policyFor(caller.identity(), caller.token(), request.resource());
        } catch (InvalidTokenException | PolicyException | PolicyUnavailable e) {
            return admit(request, callers, hook); // decided (and refused) the usual way
        }
        if (policy != previous.policy()) {
            return decide(request, caller, policy, hook, start);
        }
        return previous.again(start);
    }

    private Admission decide(Request request, VerifiedCaller caller, CompiledPolicy policy, ApprovalHook hook,
                             long start) {
        Caller subject = caller.identity().caller();
        Decision decision = request.question().decide(policy, subject, request.resource(), environment);
        String approvalId = null;
        if (decision instanceof Decision.Approve approve) {
            ApprovalHook.Review review = hook.review(request, caller, approve);
            if (!review.isApproved()) {
                return refused(request, caller, policy, review.refusal(), review.effect(), approve,
                        review.approvalId(), start);
            }
            approvalId = review.approvalId();
        } else if (!(decision instanceof Decision.Allow)) {
            return refused(request, caller, policy, decision, decision.effect().key(), null, null, start);
        }
        List<ActiveMask> masks;
        try {
            masks = masks(request, subject, policy);
        } catch (IllegalArgumentException e) {
            return refused(request, caller, policy, new Decision.Deny(MASKING_RULE, "its masks cannot be applied: "
                    + e.getMessage() + "; ask a policy administrator to fix the policy", decision.policyVersion()),
                    "deny", null, null, start);
        }
        return new Admission(this, request, caller, policy, decision, true, masks,
                decision instanceof Decision.Approve approve ? approve : null, approvalId, start);
    }

    private Admission refused(Request request, VerifiedCaller caller, CompiledPolicy policy, Decision refusal,
                              String effect, Decision.Approve asked, String approvalId, long start) {
        Admission result = new Admission(this, request, caller, policy, refusal, false, List.of(), asked, approvalId,
                start);
        // without a policy no one knows which columns are masked: such a refusal is recorded without literals
        result.recordRefusal(effect, policy == null || request.question().mayQuoteMasked(policy));
        return result;
    }

    private VerifiedCaller caller() throws InvalidTokenException {
        String token = tokens.token().orElseThrow(() -> new InvalidTokenException("no caller token. Set"
                + " governed.token or governed.token.file (or GOVERNED_TOKEN), or make the call inside"
                + " Governed.runAs(token, ...). Looked in: " + tokens.description() + "."));
        VerifiedCaller result = last;
        if (result == null || !result.token().equals(token)) {
            result = new VerifiedCaller(token, verifier.verify(token));
            last = result;
        }
        if (result.identity().isExpired(Instant.now())) {
            throw new InvalidTokenException("the token of " + result.identity().subject() + " expired at "
                    + result.identity().expiresAt() + "; obtain a fresh token.");
        }
        return result;
    }

    /** The last answer is kept: the same caller under the same snapshot gets the same list, so adapters may memo by it. */
    private record MaskMemo(CompiledPolicy policy, Caller caller, String resource, Class<?> question,
                            List<ActiveMask> masks) {}

    private volatile MaskMemo lastMasks;

    private List<ActiveMask> masks(Request request, Caller subject, CompiledPolicy policy) {
        if (policy == null) {
            return List.of();
        }
        MaskMemo memo = lastMasks;
        Class<?> question = request.question().getClass();
        if (memo != null && memo.policy() == policy && memo.caller() == subject
                && memo.question() == question && memo.resource().equals(request.resource())) {
            return memo.masks();
        }
        List<MaskSpec> specs = request.question().masks(policy, subject, request.resource(), environment);
        List<ActiveMask> result;
        if (specs.isEmpty()) {
            result = List.of();
        } else {
            result = new ArrayList<>(specs.size());
            for (MaskSpec each : specs) {
                MaskStrategy strategy = strategies.get(each.strategy(), each.options());
                result.add(new ActiveMask(each.targets(), each.strategy(), strategy, each.rule()));
            }
            result = List.copyOf(result);
        }
        lastMasks = new MaskMemo(policy, subject, request.resource(), question, result);
        return result;
    }

    void record(Admission admission, String id, AuditEvent.Action action, AuditEvent.DecisionInfo decision,
                List<AuditEvent.Masking> masking, AuditEvent.Outcome outcome) {
        Request request = admission.request();
        audit.record(new AuditEvent(id, Instant.now(), null, parts.actor(admission.identity()),
                parts.session(sessionId, request.connection()),
                parts.resource(request.resource(), request.transport(), request.target(), environment),
                action, decision, masking, outcome));
    }

    AuditEvent.DecisionInfo decisionInfo(Decision decision, String effect, String approvalId) {
        return parts.decision(decision, effect, approvalId);
    }

    /** Writes out every event accepted so far. */
    public void flush() {
        audit.flush();
    }

    @Override
    public void close() {
        try {
            audit.close();
        } finally {
            try {
                resources.close();
            } catch (Exception e) {
                throw new IllegalStateException("could not release Governed resources: " + e.getMessage(), e);
            }
        }
    }
}
