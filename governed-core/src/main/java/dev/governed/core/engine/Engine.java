package dev.governed.core.engine;

import dev.governed.audit.AuditEvent;
import dev.governed.audit.AuditIds;
import dev.governed.audit.AuditRecorder;
import dev.governed.core.GovernedSettings;
import dev.governed.core.identity.Identity;
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
 * The transport-neutral enforcement engine: identity, one policy snapshot per request, the
 * decision with its masks and approval, and the request's audit event. Transports (the HTTP
 * decorator, later the JDBC driver) turn their requests into a {@link Request} and apply the
 * {@link Admission} they get back.
 */
public final class Engine implements AutoCloseable {

    static final String AUTHENTICATION_RULE = "authentication";
    static final String POLICY_UNAVAILABLE_RULE = "policy-unavailable";
    static final String MASKING_RULE = "masking";

    private final String environment;
    private final TokenSource tokens;
    private final TokenVerifier verifier;
    private final PolicySnapshots policies;
    private final AuditRecorder audit;
    private final ApprovalHook approvals;
    private final ConfiguredStrategies strategies;
    private final String sessionId = UUID.randomUUID().toString();
    private final AutoCloseable provider;
    private volatile Verified last;

    private record Verified(String token, Identity identity, AuditEvent.Actor actor) {}

    private Engine(GovernedSettings settings, ApprovalHook approvals) {
        this.environment = settings.get(GovernedSettings.ENVIRONMENT).orElse(null);
        this.approvals = approvals;
        this.strategies = new ConfiguredStrategies(
                MaskConfiguration.withKey(settings.get(MaskConfiguration.HASH_KEY).orElse(null)));
        TokenProvider tokenProvider = TokenProviders.configured(settings).orElse(null);
        this.provider = tokenProvider;
        if (tokenProvider != null) {
            this.tokens = TokenSource.firstOf(List.of(TokenSource.scoped(), TokenProviders.asSource(tokenProvider)));
        } else {
            Properties explicit = new Properties();
            explicit.putAll(settings.explicit());
            this.tokens = TokenSource.standard(explicit);
        }
        this.verifier = TokenVerifiers.configured(settings);
        this.policies = PolicySnapshots.from(settings, environment);
        try {
            this.audit = AuditTrails.open(settings);
        } catch (RuntimeException e) {
            policies.close();
            throw e;
        }
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
        return new Engine(settings, ApprovalHook.DISABLED);
    }

    /** As {@link #create(GovernedSettings)}, with the approval flow {@code effect: approve} rules go to. */
    public static Engine create(GovernedSettings settings, ApprovalHook approvals) {
        return new Engine(settings, approvals);
    }

    public String environment() {
        return environment;
    }

    /**
     * Decides {@code request} for the current caller against one policy snapshot. A denial is
     * audited before this returns; the caller of an allowed admission completes it.
     *
     * @throws dev.governed.audit.AuditException when a denial cannot be recorded and audit is required
     */
    public Admission admit(Request request) {
        long start = System.nanoTime();
        Verified caller;
        try {
            caller = caller();
        } catch (InvalidTokenException e) {
            return denied(request, null, AUTHENTICATION_RULE, e.getMessage(), -1, start);
        }
        CompiledPolicy policy = null;
        try {
            if (request.question().needsPolicy()) {
                policy = policies.policyFor(caller.identity(), caller.token(), request.resource());
            }
        } catch (PolicyException | PolicyUnavailable e) {
            return denied(request, caller.identity(), POLICY_UNAVAILABLE_RULE,
                    "Governed has no usable policy: " + e.getMessage(), -1, start);
        }
        Caller subject = caller.identity().caller();
        Decision decision = request.question().decide(policy, subject, request.resource(), environment);
        Decision.Approve approval = null;
        if (decision instanceof Decision.Approve approve) {
            approval = approve;
            decision = approvals.review(request, caller.identity(), approve);
        }
        if (!(decision instanceof Decision.Allow)) {
            Admission result = new Admission(this, request, caller.identity(), decision, List.of(), approval, start);
            result.recordDenial();
            return result;
        }
        List<ActiveMask> masks;
        try {
            masks = configure(request.question().masks(policy, subject, request.resource(), environment));
        } catch (IllegalArgumentException e) {
            return denied(request, caller.identity(), MASKING_RULE, "its masks cannot be applied: " + e.getMessage()
                    + "; ask a policy administrator to fix the policy", decision.policyVersion(), start);
        }
        return new Admission(this, request, caller.identity(), caller.token(), decision, masks, approval, start);
    }

    private Admission denied(Request request, Identity identity, String rule, String reason, long version,
                             long start) {
        Admission result = new Admission(this, request, identity, new Decision.Deny(rule, reason, version), List.of(),
                null, start);
        result.recordDenial();
        return result;
    }

    private Verified caller() throws InvalidTokenException {
        String token = tokens.token().orElseThrow(() -> new InvalidTokenException("no caller token. Set"
                + " governed.token or governed.token.file (or GOVERNED_TOKEN), or make the call inside"
                + " Governed.runAs(token, ...). Looked in: " + tokens.description() + "."));
        Verified result = last;
        if (result == null || !result.token().equals(token)) {
            Identity identity = verifier.verify(token);
            result = new Verified(token, identity, AuditActors.of(identity));
            last = result;
        }
        if (result.identity().isExpired(Instant.now())) {
            throw new InvalidTokenException("the token of " + result.identity().subject() + " expired at "
                    + result.identity().expiresAt() + "; obtain a fresh token.");
        }
        return result;
    }

    private List<ActiveMask> configure(List<MaskSpec> specs) {
        if (specs.isEmpty()) {
            return List.of();
        }
        List<ActiveMask> result = new ArrayList<>(specs.size());
        for (MaskSpec each : specs) {
            MaskStrategy strategy = strategies.get(each.strategy(), each.options());
            result.add(new ActiveMask(each.targets(), each.strategy(), strategy));
        }
        return result;
    }

    void record(Request request, Identity identity, AuditEvent.DecisionInfo decision,
                List<AuditEvent.Masking> masking, AuditEvent.Outcome outcome) {
        Verified known = last;
        AuditEvent.Actor actor = known != null && known.identity() == identity ? known.actor() : AuditActors.of(identity);
        audit.record(new AuditEvent(AuditIds.newId(), Instant.now(), null, actor,
                new AuditEvent.Session(sessionId, request.connection()),
                new AuditEvent.Resource(request.resource(), request.kind(), request.target(), environment),
                new AuditEvent.Action(request.kind(), request.operation(), request.statement(), request.fingerprint(),
                        request.tables()),
                decision, masking, outcome));
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
            policies.close();
            if (provider != null) {
                try {
                    provider.close();
                } catch (Exception ignored) {
                    // the token provider holds no evidence; nothing to lose
                }
            }
        }
    }


}
