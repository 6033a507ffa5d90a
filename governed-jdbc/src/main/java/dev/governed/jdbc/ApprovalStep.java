package dev.governed.jdbc;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.governed.core.GovernedSettings;
import dev.governed.core.engine.VerifiedCaller;
import dev.governed.core.identity.Identity;
import dev.governed.core.internal.approval.ApprovalClient;
import dev.governed.core.internal.approval.ApprovalGate;
import dev.governed.core.internal.approval.ApprovalOutcome;
import dev.governed.core.internal.approval.ApprovalRequest;
import dev.governed.core.internal.approval.ApprovalState;
import dev.governed.core.internal.approval.ApprovalUnavailable;
import dev.governed.jdbc.internal.sql.StatementAnalysis;
import dev.governed.policy.Decision;
import dev.governed.policy.SqlOperation;
import dev.governed.policy.SqlStatementFacts;
import dev.governed.policy.TableName;
import java.net.URI;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a datasource does with a statement a rule sends to approval: asks the enforcement service through
 * the {@link ApprovalGate}, and either lets it run (with the approval's id for its audit event) or refuses
 * it with the contract's exception. Configured by {@value #WAIT} (how long to wait for a decision, default 0)
 * and {@value #SERVICE} (default: {@code governed.policy} when that is the service's URL).
 */
final class ApprovalStep {
    static final String WAIT = "governed.approval.wait";
    static final String SERVICE = "governed.approval.service";
    static final String TIMEOUT = "governed.approval.timeout";
    static final String UNAVAILABLE_STATE = "08G02";

    private final ApprovalGate gate;
    /**
     * Once-approvals that released a statement on a minted login, with the token to report its run with. Bounded:
     * a statement that never reports back is left to the service's sweep.
     */
    private final Cache<String, String> running = Caffeine.newBuilder().maximumSize(10_000)
            .expireAfterWrite(Duration.ofMinutes(5)).build();

    private ApprovalStep(ApprovalGate gate) {
        this.gate = gate;
    }

    /** The step for these settings, or empty when no enforcement service is configured to ask. */
    static Optional<ApprovalStep> from(GovernedSettings settings) {
        Optional<String> service = settings.get(SERVICE).or(settings::serviceUrl);
        if (service.isEmpty()) {
            return Optional.empty();
        }
        Duration timeout = settings.duration(TIMEOUT, Duration.ofSeconds(10));
        Duration wait = settings.duration(WAIT, Duration.ZERO);
        ApprovalClient client = new ApprovalClient(URI.create(service.get()), timeout);
        return Optional.of(new ApprovalStep(new ApprovalGate(client, wait)));
    }

    /** A refused statement: what to audit and what to throw. */
    static final class Refusal extends Exception {
        final String effect;
        final String approvalId;
        final SQLException thrown;

        Refusal(String effect, String approvalId, SQLException thrown) {
            super(thrown.getMessage(), null, false, false);
            this.effect = effect;
            this.approvalId = approvalId;
            this.thrown = thrown;
        }
    }

    /**
     * The id of the approval that releases this execution, or a refusal.
     *
     * @param facts what the statement does to which tables, resolved against the connection's schema
     * @param login the service-minted login the statement runs on (the service grants the approval's privileges to it),
     *              or null
     */
    String pass(String sql, StatementAnalysis analysis, List<SqlStatementFacts> facts, Decision.Approve decision, VerifiedCaller caller,
                Target target, ParameterDigests parameters, String login) throws Refusal {
        String rule = decision.ruleId();
        String digest;
        try {
            digest = parameters.digest(sql);
        } catch (IllegalArgumentException e) {
            String message = "Governed denied this statement: rule '" + rule + "' requires approval, and " + e.getMessage() + ".";
            throw new Refusal("deny", null, new PolicyDeniedException(rule, message));
        }
        ApprovalRequest request = new ApprovalRequest(sql, analysis.fingerprint(), digest, target.resource(), target.environment(),
                rule, decision.reason(), decision.policyVersion(), login, touches(facts));
        Identity identity = caller.identity();
        ApprovalOutcome outcome;
        try {
            outcome = gate.pass(request, identity.subject() + '\u0000' + identity.onBehalfOf(), caller.token());
        } catch (ApprovalUnavailable e) {
            throw new Refusal("approve", null, new SQLTransientConnectionException("Governed did not run this statement: rule '" + rule
                    + "' requires approval and the approval could not be obtained: " + e.getMessage()
                    + ". Nothing was executed; retry when the enforcement service is reachable.", UNAVAILABLE_STATE, e));
        } catch (ApprovalClient.Refused e) {
            throw new Refusal("approve", null, new PolicyDeniedException(rule, "Governed denied this statement: rule '" + rule
                    + "' requires approval and the enforcement service refused the request: " + e.getMessage() + "."));
        }
        if (outcome instanceof ApprovalOutcome.Granted granted) {
            if (login != null && "once".equals(granted.state().mode())) {
                running.put(granted.approvalId(), caller.token());
            }
            return granted.approvalId();
        }
        if (outcome instanceof ApprovalOutcome.Pending pending) {
            throw new Refusal("approve", pending.approvalId(), new ApprovalPendingException(
                    "Governed is holding this statement for approval " + pending.approvalId() + " (rule '" + rule + "': "
                            + decision.reason() + "). An approver from " + decision.approverGroups() + " decides it at "
                            + pending.reviewerUrl() + " or with `governed approvals approve " + pending.approvalId()
                            + "`; then retry the identical statement. Nothing was executed.",
                    pending.approvalId(), pending.reviewerUrl().toString()));
        }
        ApprovalOutcome.Denied denied = (ApprovalOutcome.Denied) outcome;
        throw new Refusal("deny", denied.approvalId(), new PolicyDeniedException(rule, deniedMessage(rule, denied.state())));
    }

    /**
     * Reports that the statement {@code approvalId} released has run, so the service revokes the privilege the
     * once-approval added to the login now. Best effort: if the report is lost, the service's sweep revokes it.
     */
    void ran(String approvalId) {
        String token = running.asMap().remove(approvalId);
        if (token == null) {
            return;
        }
        try {
            gate.client().complete(approvalId, token);
        } catch (ApprovalUnavailable | ApprovalClient.Refused e) {
            // the service's sweep revokes it within a minute of the approval's use
        }
    }

    private static String deniedMessage(String rule, ApprovalState state) {
        String verb = state.is("revoked") ? "revoked" : "denied";
        return "Governed denied this statement: approval " + state.id() + " (rule '" + rule + "') was " + verb
                + (state.decidedBy() == null ? "" : " by " + state.decidedBy())
                + (state.reason() == null ? "" : ": " + state.reason()) + ". Nothing was executed.";
    }

    /**
     * What a statement needs on which tables: its operation on those it writes (and SELECT, for the rows an UPDATE or
     * DELETE filters), SELECT on those it reads. The service grants a once-approval no more than this.
     */
    static List<ApprovalRequest.Touch> touches(List<SqlStatementFacts> facts) {
        Set<ApprovalRequest.Touch> result = new LinkedHashSet<>();
        for (SqlStatementFacts each : facts) {
            for (TableName written : each.tablesWritten()) {
                result.add(new ApprovalRequest.Touch(each.operation().key(), written.schema(), written.name()));
                if (each.operation() == SqlOperation.UPDATE || each.operation() == SqlOperation.DELETE) {
                    result.add(new ApprovalRequest.Touch(SqlOperation.SELECT.key(), written.schema(), written.name()));
                }
            }
            for (TableName read : each.tablesRead()) {
                result.add(new ApprovalRequest.Touch(SqlOperation.SELECT.key(), read.schema(), read.name()));
            }
        }
        return List.copyOf(result);
    }

    /** The digest of what an execution binds: the text alone for plain statements. */
    interface ParameterDigests {
        ParameterDigests NONE = sql -> dev.governed.core.internal.approval.ParameterDigest.of(sql, java.util.List.of());
        /** At prepare time nothing is bound yet: the approval is asked for at execution. */
        ParameterDigests SCREENING = sql -> {
            throw new IllegalStateException("a statement is not asked for approval before it executes");
        };

        String digest(String sql);
    }
}
