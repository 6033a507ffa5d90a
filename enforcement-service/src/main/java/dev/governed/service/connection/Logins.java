package dev.governed.service.connection;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.governed.core.identity.Identity;
import dev.governed.policy.Caller;
import dev.governed.policy.CompiledPolicy;
import dev.governed.service.approval.ApprovalStore;
import dev.governed.service.audit.AdminAudit;
import dev.governed.service.auth.Principal;
import dev.governed.service.policy.PolicyStore;
import dev.governed.service.secret.SecretCipher;
import dev.governed.service.web.ApiException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Just-in-time logins: mints one per caller and session with the grants its policy allows, renews it while the
 * session lives, re-derives its grants when the active policy changes, and drops it (ending its sessions) once it
 * expires, is revoked, or its profile is deleted. A background sweep does the last two; every step is audited.
 */
final class Logins implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Logins.class);
    static final Duration SWEEP_EVERY = Duration.ofSeconds(2);
    private static final int SWEEP_BATCH = 500;
    static final Principal SERVICE = new Principal(
            new Identity("governed-service", Set.of(), "governed-service", null, null, Instant.MAX), Set.of());

    /** A freshly minted login: the only moment its password exists outside the database. */
    record Minted(String login, char[] password, Instant expiresAt, GrantPlan plan) {}

    private final ConnectionStore profiles;
    private final LoginStore logins;
    private final PolicyStore policies;
    private final Optional<SecretCipher> cipher;
    private final AdminAudit audit;
    private final Clock clock;
    private final Cache<Long, CompiledPolicy> compiled = Caffeine.newBuilder().maximumSize(16).build();
    private final ScheduledExecutorService sweeper;
    private final ApprovalGrantStore approvalGrantStore;
    private final ApprovalGrants approvalGrants;

    Logins(ConnectionStore profiles, LoginStore logins, PolicyStore policies, ApprovalGrantStore approvalGrantStore, ApprovalStore approvals,
           Optional<SecretCipher> cipher, AdminAudit audit, Clock clock) {
        this.approvalGrantStore = approvalGrantStore;
        this.approvalGrants = new ApprovalGrants(approvalGrantStore, logins, profiles, approvals, audit, clock, this::target, this::policy);
        this.profiles = profiles;
        this.logins = logins;
        this.policies = policies;
        this.cipher = cipher;
        this.audit = audit;
        this.clock = clock;
        this.sweeper = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "governed-login-sweeper");
            thread.setDaemon(true);
            return thread;
        });
        sweeper.scheduleWithFixedDelay(this::sweepQuietly, SWEEP_EVERY.toMillis(), SWEEP_EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** What approvals add to these logins. */
    ApprovalGrants approvalGrants() {
        return approvalGrants;
    }

    Minted mint(ConnectionProfile profile, Principal caller) {
        long version = activeVersion();
        String login = LoginNames.login(caller.subject());
        char[] password = LoginNames.password();
        Instant now = clock.instant();
        Instant expiresAt = now.plus(profile.ttlDuration());
        // Recorded before it exists, so the sweeper can always find a role this service created.
        logins.insert(new MintedLogin(login, profile.name(), caller.subject(), caller.groups(), version, "pending", now, expiresAt,
                null, null));
        GrantPlan plan;
        try {
            plan = LoginMinter.create(target(profile), login, password, expiresAt,
                    catalog -> GrantPlan.derive(policy(version), caller.identity().caller(), profile.policyResource(), profile.environment(), catalog));
        } catch (SQLException | RuntimeException e) {
            Arrays.fill(password, '\0');
            logins.claimDrop(login, clock.instant());
            throw e instanceof SQLException failure ? targetFailure(profile, "mint a login on", failure) : (RuntimeException) e;
        }
        logins.regranted(login, version, plan.summary());
        audit.allowed(caller, "connection.mint", "connection:" + profile.name(), "login " + login + " until " + expiresAt
                + " (policy version " + version + "): " + plan.summary());
        return new Minted(login, password, expiresAt, plan);
    }

    /** Extends a live login by the profile's ttl; only the caller it was minted for may. */
    Instant renew(ConnectionProfile profile, MintedLogin login, Principal caller) {
        Instant now = clock.instant();
        if (login.droppedAt() != null || login.isDue(now)) {
            throw new ApiException(410, "login_gone", "login " + login.login() + " has expired or was revoked; reconnect to get a new one");
        }
        Instant expiresAt = now.plus(profile.ttlDuration());
        try {
            LoginMinter.renew(target(profile), login.login(), expiresAt);
        } catch (SQLException e) {
            throw targetFailure(profile, "renew login " + login.login() + " on", e);
        }
        logins.renewed(login.login(), expiresAt);
        audit.allowed(caller, "connection.renew", "connection:" + profile.name(), "login " + login.login() + " until " + expiresAt);
        if (login.policyVersion() != activeVersion()) {
            regrantQuietly(profile, login);
        }
        return expiresAt;
    }

    /** Revokes and drops a login now. */
    void revoke(ConnectionProfile profile, MintedLogin login, Principal who) {
        logins.revoked(login.login(), clock.instant());
        drop(Optional.of(profile), login, who, "revoked");
    }

    /** One sweep: drop what is due, re-grant what an activated policy changed. */
    void sweep() {
        Instant now = clock.instant();
        for (MintedLogin each : logins.live(SWEEP_BATCH)) {
            Optional<ConnectionProfile> profile = profiles.find(each.connection());
            if (profile.isEmpty() || each.isDue(now)) {
                drop(profile, each, SERVICE, profile.isEmpty() ? "profile deleted" : each.revokedAt() != null ? "revoked" : "expired");
            } else if (policies.activeVersion().isPresent() && each.policyVersion() != policies.activeVersion().getAsLong()) {
                regrantQuietly(profile.get(), each);
            }
        }
        approvalGrants.sweep();
    }

    private void sweepQuietly() {
        try {
            sweep();
        } catch (RuntimeException e) {
            LOG.warn("the minted-login sweep failed; it runs again in {} s: {}", SWEEP_EVERY.toSeconds(), e.toString());
        }
    }

    /** Serialised: two re-grants of one login at once would collide in the target's catalog and revoke it needlessly. */
    private synchronized void regrantQuietly(ConnectionProfile profile, MintedLogin login) {
        long version = activeVersion();
        Caller caller = new Caller(login.subject(), login.groups());
        try {
            GrantPlan plan = LoginMinter.regrant(target(profile), login.login(),
                    catalog -> GrantPlan.derive(policy(version), caller, profile.policyResource(), profile.environment(), catalog),
                    () -> approvalGrantStore.liveOf(login.login()));
            logins.regranted(login.login(), version, plan.summary());
            audit.allowed(SERVICE, "connection.regrant", "connection:" + profile.name(), "login " + login.login() + " of "
                    + login.subject() + " (policy version " + version + "): " + plan.summary());
        } catch (SQLException | RuntimeException e) {
            LOG.warn("could not re-derive the grants of {} on connection '{}' for policy version {}: {}; revoking it", login.login(),
                    profile.name(), version, e.getMessage());
            logins.revoked(login.login(), clock.instant());
        }
    }

    private void drop(Optional<ConnectionProfile> profile, MintedLogin login, Principal who, String why) {
        if (!logins.claimDrop(login.login(), clock.instant())) {
            return;
        }
        try {
            if (profile.isPresent()) {
                LoginMinter.drop(target(profile.get()), login.login());
            } else {
                LOG.warn("connection profile '{}' was deleted: its login {} cannot be reached any more and is only disabled by its "
                        + "VALID UNTIL; drop it by hand", login.connection(), login.login());
            }
        } catch (SQLException | RuntimeException e) {
            logins.releaseDrop(login.login());
            LOG.warn("could not drop login {} on connection '{}' ({}); retrying on the next sweep", login.login(), login.connection(),
                    e.getMessage());
            return;
        }
        audit.allowed(who, "connection.drop", "connection:" + login.connection(), "login " + login.login() + " of " + login.subject()
                + " dropped (" + why + ")");
    }

    private long activeVersion() {
        return policies.activeVersion().orElseThrow(() -> ApiException.conflict("no policy is active, so no grants can be derived for a "
                + "minted login; an administrator activates one with POST /v1/policies/{version}/activate"));
    }

    private CompiledPolicy policy(long version) {
        return compiled.get(version, v -> CompiledPolicy.compile(policies.document(v).orElseThrow(() -> new IllegalStateException(
                "active policy version " + v + " is missing from the policy table"))));
    }

    /** The profile's stored user and password. */
    LoginMinter.Target target(ConnectionProfile profile) {
        return new LoginMinter.Target(profile.url(), profile.user(), storedPassword(profile.name()));
    }

    String storedPassword(String name) {
        Optional<String> sealed = profiles.sealedPassword(name);
        if (sealed.isEmpty()) {
            return null;
        }
        SecretCipher opener = cipher.orElseThrow(() -> new ApiException(503, "secret_key_missing", "connection '" + name
                + "' has an encrypted password but the service has no secret key configured"));
        try {
            return opener.decrypt(sealed.get(), name);
        } catch (SecretCipher.SecretException e) {
            throw new ApiException(503, "secret_unreadable", "the password of connection '" + name + "' cannot be decrypted: "
                    + e.getMessage());
        }
    }

    private static ApiException targetFailure(ConnectionProfile profile, String what, SQLException e) {
        if ("42501".equals(e.getSQLState())) {
            return ApiException.conflict("connection '" + profile.name() + "' cannot " + what + " its database: " + e.getMessage()
                    + "; give the profile's user CREATEROLE (ALTER ROLE ... CREATEROLE), or mark the profile \"credentials\": \"static\"");
        }
        return new ApiException(503, "target_unavailable", "the service could not " + what + " the database of connection '"
                + profile.name() + "': " + e.getMessage() + "; retry later");
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
    }
}
