/**
 * Just-in-time approvals, for every adapter: a statement or request that a rule sends to approval is
 * described as an {@link dev.governed.core.internal.approval.ApprovalRequest} (text, fingerprint, digest of its
 * parameters, resource, environment, rule), handed to the {@link dev.governed.core.internal.approval.ApprovalGate}
 * with the caller's token, and comes back granted, pending or denied. Nothing here knows JDBC or HTTP.
 */
package dev.governed.core.internal.approval;
