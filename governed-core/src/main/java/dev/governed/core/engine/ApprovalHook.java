package dev.governed.core.engine;

import dev.governed.policy.Decision;

/**
 * Where a request whose rule says {@code effect: approve} goes. {@link #DISABLED} denies such requests with a
 * message that says so; the JDBC driver plugs in the enforcement service's approvals.
 */
@FunctionalInterface
public interface ApprovalHook {

    /** Refuses every request that needs approval. */
    ApprovalHook DISABLED = (request, caller, decision) -> Review.refused(new Decision.Deny(decision.ruleId(),
            "rule '" + decision.ruleId() + "' requires approval (" + decision.reason()
                    + "), and approvals are not enabled here", decision.policyVersion()), "deny", null);

    /**
     * What becomes of {@code approve}: {@link Review#approved} once approved, {@link Review#refused} when refused,
     * still pending or not possible. A hook that waits blocks only this request's caller.
     */
    Review review(Request request, VerifiedCaller caller, Decision.Approve decision);

    /**
     * The outcome of a review. An approved request keeps its {@code approve} decision, and its event names the
     * approval.
     *
     * @param refusal    null once approved; otherwise the refusal to record
     * @param effect     the refusal event's decision effect: {@code approve} while an approval is missing or
     *                   pending, {@code deny} once an approver refused
     * @param approvalId the approval the event names, or null
     */
    record Review(Decision.Deny refusal, String effect, String approvalId) {

        public static Review approved(String approvalId) {
            return new Review(null, "approve", approvalId);
        }

        public static Review refused(Decision.Deny refusal, String effect, String approvalId) {
            return new Review(refusal, effect, approvalId);
        }

        public boolean isApproved() {
            return refusal == null;
        }
    }
}
