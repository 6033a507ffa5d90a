package dev.governed.service.approval;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * An approval request and what became of it. {@code status}: pending, approved, denied, expired (the request
 * or its grant ran out), revoked, consumed (a once-approval that was used).
 *
 * @param grantUntil    when an approval stops covering statements; {@code mode} once covers one execution of the
 *                      statement, window covers the rule for the requester until then
 * @param requestReason why the rule sends the statement to approval, as the requester's policy said
 * @param minApprovals  how many different approvers must approve; {@code approvals} lists those who did
 * @param login         the minted login of the session that asked, which an approval adds its privileges to; null when
 *                      the session runs on other credentials
 * @param touches       what the statement does to which tables, as the requester's driver analysed it; a once-approval
 *                      grants its login no more than these (and never more than the rule sends to approval)
 */
public record ApprovalRecord(
        String id,
        String status,
        String statement,
        String fingerprint,
        String parameterDigest,
        Requester requester,
        String resource,
        String environment,
        String rule,
        long policyVersion,
        Set<String> approverGroups,
        String mode,
        Long windowSeconds,
        Instant createdAt,
        Instant expiresAt,
        Instant decidedAt,
        String decidedBy,
        String reason,
        Instant grantUntil,
        Instant consumedAt,
        Instant revokedAt,
        String revokedBy,
        String revokeReason,
        String requestReason,
        int minApprovals,
        List<Vote> approvals,
        String login,
        List<Touch> touches) {

    public static final String PENDING = "pending";
    public static final String APPROVED = "approved";
    public static final String DENIED = "denied";
    public static final String EXPIRED = "expired";
    public static final String REVOKED = "revoked";
    public static final String CONSUMED = "consumed";

    /**
     * Who asked, from the verified token of the create call, never from the request body: the acting party, the
     * user it acted for and, for RFC 8693 delegation, the whole actor chain (current actor first, empty otherwise).
     */
    public record Requester(String subject, List<String> groups, String issuer, String onBehalfOf, List<String> delegation) {
        public Requester {
            delegation = delegation == null ? List.of() : List.copyOf(delegation);
        }

        /** Everyone with a part in the request: the actor, whom it acted for, and every party of the chain. */
        public Set<String> parties() {
            Set<String> result = new java.util.LinkedHashSet<>();
            result.add(subject);
            if (onBehalfOf != null) {
                result.add(onBehalfOf);
            }
            result.addAll(delegation);
            return Set.copyOf(result);
        }
    }

    /** One operation on one table, e.g. insert on public.orders. */
    public record Touch(String operation, String schema, String table) {}

    /** One approver's approval of a request that needs several. */
    public record Vote(String approver, Instant at, String reason) {}

    public ApprovalRecord {
        approverGroups = Set.copyOf(approverGroups);
        approvals = List.copyOf(approvals);
        touches = touches == null ? List.of() : List.copyOf(touches);
    }

    public ApprovalRecord withApprovals(List<Vote> votes) {
        return new ApprovalRecord(id, status, statement, fingerprint, parameterDigest, requester, resource, environment, rule,
                policyVersion, approverGroups, mode, windowSeconds, createdAt, expiresAt, decidedAt, decidedBy, reason, grantUntil,
                consumedAt, revokedAt, revokedBy, revokeReason, requestReason, minApprovals, votes, login, touches);
    }

    /** The status as of {@code now}: a pending request or a grant past its time has expired even before the row says so. */
    public String statusAt(Instant now) {
        if (PENDING.equals(status) && !now.isBefore(expiresAt)) {
            return EXPIRED;
        }
        if (APPROVED.equals(status) && grantUntil != null && !now.isBefore(grantUntil)) {
            return EXPIRED;
        }
        return status;
    }

    public ApprovalRecord asOf(Instant now) {
        String current = statusAt(now);
        if (current.equals(status)) {
            return this;
        }
        return new ApprovalRecord(id, current, statement, fingerprint, parameterDigest, requester, resource, environment, rule,
                policyVersion, approverGroups, mode, windowSeconds, createdAt, expiresAt, decidedAt, decidedBy, reason, grantUntil,
                consumedAt, revokedAt, revokedBy, revokeReason, requestReason, minApprovals, approvals, login, touches);
    }

    public boolean isFinal(Instant now) {
        return !PENDING.equals(statusAt(now));
    }
}
