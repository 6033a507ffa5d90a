package dev.governed.core.internal.approval;

import java.time.Instant;

/**
 * An approval as the service reports it. {@code status}: pending, approved, denied, expired, revoked
 * or consumed; {@code mode}: once or window; {@code reason} the reviewer's, when decided.
 */
public record ApprovalState(
        String id,
        String status,
        String mode,
        String rule,
        String decidedBy,
        String reason,
        Instant expiresAt,
        Instant grantUntil,
        int approvals,
        int minApprovals) {

    public boolean is(String wanted) {
        return wanted.equals(status);
    }
}
