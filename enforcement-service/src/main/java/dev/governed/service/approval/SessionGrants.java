package dev.governed.service.approval;

import dev.governed.service.auth.Principal;
import java.time.Instant;

/**
 * What an approval adds to the minted login of the session that asked for it: the privileges its rule sends to
 * approval, granted before the decision is recorded and revoked once the approval no longer covers a statement.
 * Implemented where logins are minted; approvals only say when.
 */
public interface SessionGrants {

    /** For services without minted logins: a request that names one is refused, nothing is ever granted. */
    SessionGrants NONE = new SessionGrants() {
        @Override
        public void checkLogin(Principal caller, String login, String resource) {
            throw dev.governed.service.web.ApiException.badRequest("login '" + login + "' was not minted by this service; "
                    + "send no login, or connect through jdbc:governed://<service>/<connection>");
        }

        @Override
        public boolean grant(ApprovalRecord approval, Instant until, Principal approver) {
            return false;
        }

        @Override
        public void end(String approvalId, Principal who, String why) {}
    };

    /**
     * Refuses (with an {@link dev.governed.service.web.ApiException}) a login that is not a live login minted for
     * {@code caller} on a connection whose policy resource is {@code resource}.
     */
    void checkLogin(Principal caller, String login, String resource);

    /**
     * Grants {@code approval}'s login what its rule sends to approval (for a once-approval, only what its statement
     * touches), until {@code until} at most, on {@code approver}'s decision. Throws when the grant could not be made;
     * nothing is granted then.
     *
     * @return whether this call granted it; false when a concurrent decision already did
     */
    boolean grant(ApprovalRecord approval, Instant until, Principal approver);

    /** Revokes what {@code approvalId} granted, if anything; a failure is retried by the sweep. */
    void end(String approvalId, Principal who, String why);
}
