package dev.governed.service.connection;

import dev.governed.policy.Caller;
import dev.governed.policy.CompiledPolicy;
import dev.governed.policy.SqlOperation;
import dev.governed.policy.TableName;
import dev.governed.service.approval.ApprovalRecord;
import dev.governed.service.approval.ApprovalStore;
import dev.governed.service.approval.SessionGrants;
import dev.governed.service.audit.AdminAudit;
import dev.governed.service.auth.Principal;
import dev.governed.service.web.ApiException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Approval-scoped privileges on minted logins: an approved request adds what its rule sends to approval to the login
 * of the session that asked (and no other), and loses it once the approval no longer covers a statement: after the
 * once-approved statement ran, at the end of a window, on revocation or expiry, and with the login itself. The sweep
 * ends whatever a crash or a lost report left behind. Every grant and revocation is audited with the approval's id.
 */
final class ApprovalGrants implements SessionGrants {
    private static final Logger LOG = LoggerFactory.getLogger(ApprovalGrants.class);
    /** How long a used once-approval keeps its privilege when the driver never reports that the statement ran. */
    static final Duration ONCE_RUN_LIMIT = Duration.ofMinutes(1);
    /** A grant is made just before its decision is recorded; a sweep leaves it alone that long while the request still looks pending. */
    static final Duration DECISION_GRACE = Duration.ofSeconds(30);
    private static final int SWEEP_BATCH = 500;

    private final ApprovalGrantStore store;
    private final LoginStore logins;
    private final ConnectionStore profiles;
    private final ApprovalStore approvals;
    private final AdminAudit audit;
    private final Clock clock;
    private final Function<ConnectionProfile, LoginMinter.Target> targets;
    private final LongFunction<CompiledPolicy> policies;

    ApprovalGrants(ApprovalGrantStore store, LoginStore logins, ConnectionStore profiles, ApprovalStore approvals, AdminAudit audit,
                   Clock clock, Function<ConnectionProfile, LoginMinter.Target> targets, LongFunction<CompiledPolicy> policies) {
        this.store = store;
        this.logins = logins;
        this.profiles = profiles;
        this.approvals = approvals;
        this.audit = audit;
        this.clock = clock;
        this.targets = targets;
        this.policies = policies;
    }

    @Override
    public void checkLogin(Principal caller, String login, String resource) {
        MintedLogin minted = logins.find(login).filter(each -> each.subject().equals(caller.subject()))
                .orElseThrow(() -> ApiException.forbidden("login '" + login + "' was not minted for '" + caller.subject()
                        + "'; an approval can only be asked for the caller's own session"));
        if (minted.droppedAt() != null || minted.isDue(clock.instant())) {
            throw new ApiException(410, "login_gone", "login " + login + " has expired or was revoked; reconnect to get a new one");
        }
        String connectionResource = profiles.find(minted.connection()).map(ConnectionProfile::policyResource).orElse(null);
        if (!resource.equals(connectionResource)) {
            throw ApiException.badRequest("login " + login + " belongs to connection '" + minted.connection() + "' (resource '"
                    + connectionResource + "'), not to resource '" + resource + "'");
        }
    }

    @Override
    public boolean grant(ApprovalRecord approval, Instant until, Principal approver) {
        if (store.find(approval.id()).filter(each -> each.endedAt() == null).isPresent()) {
            return false; // another approver's decision on this request granted it a moment ago
        }
        MintedLogin login = logins.find(approval.login()).orElseThrow(() -> ApiException.conflict("approval " + approval.id()
                + " was asked from login " + approval.login() + ", which this service does not know"));
        Instant now = clock.instant();
        if (login.droppedAt() != null || login.isDue(now)) {
            throw ApiException.conflict("approval " + approval.id() + " was asked from login " + approval.login() + ", which has expired "
                    + "or was revoked, so nothing can be granted for it; the requester reconnects and asks again");
        }
        ConnectionProfile profile = profiles.find(login.connection()).orElseThrow(() -> ApiException.conflict("the connection '"
                + login.connection() + "' of login " + login.login() + " was deleted; nothing can be granted for approval " + approval.id()));
        Caller caller = new Caller(login.subject(), login.groups());
        CompiledPolicy policy = policies.apply(approval.policyVersion());
        Set<ApprovalPrivileges.Touch> touched = "once".equals(approval.mode()) ? touched(approval) : null;
        ApprovalPrivileges privileges;
        try {
            privileges = LoginMinter.grantApproval(targets.apply(profile), login.login(),
                    catalog -> ApprovalPrivileges.derive(policy, caller, profile.policyResource(), profile.environment(), approval.rule(),
                            touched, catalog),
                    derived -> store.insert(new ApprovalGrant(approval.id(), login.login(), login.connection(), derived, now, until,
                            null, null)));
        } catch (SQLException e) {
            throw new ApiException(503, "target_unavailable", "approval " + approval.id() + " was not recorded: the service could not "
                    + "grant its privileges to login " + login.login() + " on connection '" + login.connection() + "': " + e.getMessage()
                    + "; retry the decision later");
        }
        audit.approval(approver, "connection.approval-grant", approval.id(), "login " + login.login() + " of "
                + login.subject() + " on connection '" + login.connection() + "' until " + until + ": " + privileges.summary());
        return true;
    }

    /**
     * What the once-approved statement does, as the driver that asked analysed it. A table without a schema (the
     * driver did not know the connection's) or an operation this service does not know is left out: nothing is
     * granted for it, and the database refuses the statement.
     */
    private static Set<ApprovalPrivileges.Touch> touched(ApprovalRecord approval) {
        Set<ApprovalPrivileges.Touch> result = new HashSet<>();
        for (ApprovalRecord.Touch each : approval.touches()) {
            Optional<SqlOperation> operation = SqlOperation.fromKey(each.operation().toLowerCase(Locale.ROOT));
            if (each.schema() != null && operation.isPresent()) {
                result.add(new ApprovalPrivileges.Touch(TableName.of(each.schema(), each.table()), operation.get()));
            }
        }
        return result;
    }

    @Override
    public void end(String approvalId, Principal who, String why) {
        Optional<ApprovalGrant> grant = store.find(approvalId);
        if (grant.isPresent() && grant.get().endedAt() == null) {
            end(grant.get(), who, why);
        }
    }

    /** Ends every grant whose approval no longer covers a statement, and forgets those whose login is gone. */
    void sweep() {
        Instant now = clock.instant();
        for (ApprovalGrant each : store.live(SWEEP_BATCH)) {
            Optional<String> why = endReason(each, now);
            if (why.isPresent()) {
                end(each, Logins.SERVICE, why.get());
            }
        }
    }

    /** Why {@code grant} should end now, or empty while its approval still covers statements. */
    private Optional<String> endReason(ApprovalGrant grant, Instant now) {
        Optional<MintedLogin> login = logins.find(grant.login());
        if (login.isEmpty() || login.get().droppedAt() != null) {
            return Optional.of("login dropped");
        }
        if (!now.isBefore(grant.until())) {
            return Optional.of("approval ended");
        }
        Optional<ApprovalRecord> approval = approvals.find(grant.approvalId());
        if (approval.isEmpty()) {
            return Optional.of("approval missing");
        }
        ApprovalRecord record = approval.get();
        return switch (record.statusAt(now)) {
            case ApprovalRecord.APPROVED -> Optional.empty();
            case ApprovalRecord.PENDING -> now.isBefore(grant.grantedAt().plus(DECISION_GRACE))
                    ? Optional.empty() : Optional.of("the decision was never recorded");
            case ApprovalRecord.CONSUMED -> record.consumedAt() != null && now.isBefore(record.consumedAt().plus(ONCE_RUN_LIMIT))
                    ? Optional.empty() : Optional.of("the once-approval was used " + ONCE_RUN_LIMIT.toSeconds() + " s ago");
            default -> Optional.of("approval " + record.statusAt(now));
        };
    }

    /** Claims the end, then re-derives the login's privileges without this approval's; a failure is retried by the next sweep. */
    private void end(ApprovalGrant grant, Principal who, String why) {
        if (!store.claimEnd(grant.approvalId(), clock.instant(), why)) {
            return;
        }
        Optional<MintedLogin> login = logins.find(grant.login()).filter(each -> each.droppedAt() == null);
        Optional<ConnectionProfile> profile = profiles.find(grant.connection());
        if (login.isPresent() && profile.isPresent()) {
            MintedLogin minted = login.get();
            Caller caller = new Caller(minted.subject(), minted.groups());
            try {
                LoginMinter.regrant(targets.apply(profile.get()), minted.login(), catalog -> GrantPlan.derive(
                        policies.apply(minted.policyVersion()), caller, profile.get().policyResource(), profile.get().environment(), catalog),
                        () -> store.liveOf(minted.login()));
            } catch (SQLException | RuntimeException e) {
                store.releaseEnd(grant.approvalId());
                LOG.warn("could not revoke what approval {} granted to login {} on connection '{}' ({}); retrying on the next sweep",
                        grant.approvalId(), grant.login(), grant.connection(), e.getMessage());
                return;
            }
        }
        audit.approval(who, "connection.approval-revoke", grant.approvalId(), "login " + grant.login() + " on connection '"
                + grant.connection() + "' (" + why + "): " + grant.privileges().summary());
    }
}
