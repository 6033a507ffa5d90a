package dev.governed.jdbc;

import java.sql.SQLTransientException;

/**
 * The statement waits for a human: a rule sends it to approval and no approver has decided yet. Nothing
 * ran. Retrying the identical statement (same caller, text and parameters) finds the same request; once
 * it is approved the retry runs. SQLState {@value #SQL_STATE}.
 */
public final class ApprovalPendingException extends SQLTransientException {
    private static final long serialVersionUID = 1L;

    public static final String SQL_STATE = "G0A01";

    private final String approvalId;
    private final String reviewerUrl;

    public ApprovalPendingException(String message, String approvalId, String reviewerUrl) {
        super(message, SQL_STATE);
        this.approvalId = approvalId;
        this.reviewerUrl = reviewerUrl;
    }

    /** The id of the approval request, for {@code governed approvals approve <id>}. */
    public String getApprovalId() {
        return approvalId;
    }

    /** The page where an approver decides it. */
    public String getReviewerUrl() {
        return reviewerUrl;
    }
}
