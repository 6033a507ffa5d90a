package dev.governed.service.connection;

import java.time.Instant;

/**
 * The privileges one approval added to one minted login, kept until they are revoked.
 *
 * @param until   when the approval stops covering statements at the latest (its grant's end)
 * @param endedAt when the privileges were revoked (or the login dropped); null while they are held
 */
record ApprovalGrant(String approvalId, String login, String connection, ApprovalPrivileges privileges, Instant grantedAt,
                     Instant until, Instant endedAt, String endReason) {}
