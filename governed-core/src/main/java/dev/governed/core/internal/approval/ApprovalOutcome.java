package dev.governed.core.internal.approval;

import java.net.URI;

/** What the gate answers for one execution: it may run, it waits for a reviewer, or a reviewer refused it. */
public sealed interface ApprovalOutcome permits ApprovalOutcome.Granted, ApprovalOutcome.Pending, ApprovalOutcome.Denied {

    String approvalId();

    /** Run it, once; for a window grant, until {@code state.grantUntil()}. */
    record Granted(String approvalId, ApprovalState state) implements ApprovalOutcome {}

    /** Not decided yet; {@code reviewerUrl} is the page where an approver decides it. */
    record Pending(String approvalId, URI reviewerUrl, ApprovalState state) implements ApprovalOutcome {}

    /** Denied (with the reviewer's reason) or revoked before it ran. */
    record Denied(String approvalId, ApprovalState state) implements ApprovalOutcome {}
}
