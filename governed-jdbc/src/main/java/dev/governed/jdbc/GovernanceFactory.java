package dev.governed.jdbc;

import dev.governed.audit.AuditDispatcher;
import dev.governed.audit.AuditException;
import dev.governed.audit.AuditRecorder;
import dev.governed.core.GovernedSettings;
import dev.governed.core.engine.AuditTrails;
import dev.governed.core.identity.CachingTokenVerifier;
import dev.governed.core.identity.JwtTokenVerifier;
import dev.governed.core.identity.TokenProvider;
import dev.governed.core.identity.TokenProviders;
import dev.governed.core.identity.TokenVerifier;
import dev.governed.core.internal.policy.PolicyUnavailable;
import dev.governed.core.internal.policy.RemotePolicies;
import dev.governed.core.mask.MaskConfiguration;
import dev.governed.jdbc.internal.sql.SqlAnalyzer;
import dev.governed.policy.CompiledPolicy;
import dev.governed.policy.Decision;
import dev.governed.policy.MaskRule;
import dev.governed.policy.PolicyException;
import dev.governed.policy.SqlRequest;
import dev.governed.policy.source.PolicySource;
import dev.governed.policy.source.PolicySources;
import java.net.URI;
import java.nio.file.Path;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/** Builds a datasource's {@link Governance} from its settings, failing at connect with what is wrong. */
final class GovernanceFactory {

    /** One analyser for the JVM: analyses depend on the SQL text only, so every datasource shares the cache. */
    private static final SqlAnalyzer ANALYZER = SqlAnalyzer.builder().build();

    /** The statement with every literal replaced by {@code ?}. */
    static String withoutLiterals(String sql) {
        return ANALYZER.normalised(sql);
    }

    /** {@code true}: audit events carry statements with literals replaced by {@code ?} (values may be personal data). */
    static final String REDACT_LITERALS = "governed.redactLiterals";

    private GovernanceFactory() {}

    static Governance create(String targetUrl, GovernedSettings settings) throws SQLException {
        AutoCloseable policySource = null;
        try {
            Target target = new Target(
                    settings.get(GovernedSettings.RESOURCE).orElseGet(() -> Target.databaseName(targetUrl)),
                    Target.describe(targetUrl),
                    settings.get(GovernedSettings.ENVIRONMENT).orElse(null));
            boolean redactLiterals = settings.flag(REDACT_LITERALS);
            Function<String, String> auditedText = redactLiterals ? ANALYZER::normalised : Function.identity();
            Recording recording = Recording.from(settings, redactLiterals);
            String location = settings.get(GovernedSettings.POLICY).orElseThrow(() -> new PolicyException(
                    "no policy configured; set governed.policy to a file path, file:, classpath: or the"
                            + " enforcement service's URL"));
            PolicyDecider decider;
            if (GovernedSettings.isServiceUrl(location)) {
                RemotePolicies remote = remotePolicies(location, target, settings);
                policySource = remote;
                decider = remoteDecider(remote);
            } else {
                PolicySource local = PolicySources.fromLocation(location); // loads now: a broken file fails here
                policySource = local;
                decider = localDecider(local);
            }
            TokenVerifier verifier = verifier(settings);
            TokenProvider provider = settings.get(TokenProviders.PROVIDER_SETTING)
                    .map(type -> TokenProviders.create(type, key -> settings.get(key).orElse(null)))
                    .orElse(null);
            AuditRecorder audit = audit(settings);
            AutoCloseable policyResource = policySource;
            AutoCloseable resources = () -> {
                try (AutoCloseable first = policyResource; AutoCloseable second = provider) {
                    // both closed, in reverse order
                }
            };
            return new Governance(ANALYZER::analyze, auditedText, verifier,
                    provider == null ? null : TokenProviders.asSource(provider), decider, audit, target,
                    settings.flag(GovernedSettings.ALLOW_UNWRAP),
                    MaskConfiguration.withKey(settings.get(MaskConfiguration.HASH_KEY).orElse(null)),
                    ApprovalStep.from(settings).orElse(null), resources, recording);
        } catch (PolicyException | AuditException | IllegalArgumentException | IllegalStateException e) {
            closeQuietly(policySource);
            throw new SQLNonTransientConnectionException(
                    "Governed cannot govern " + Target.describe(targetUrl) + ": " + e.getMessage(), "08001", e);
        }
    }

    private static RemotePolicies remotePolicies(String location, Target target, GovernedSettings settings) {
        RemotePolicies.Builder builder = RemotePolicies.builder(URI.create(location), target.resource())
                .environment(target.environment())
                .refreshInterval(settings.duration(GovernedSettings.POLICY_REFRESH, Duration.ofSeconds(30)))
                .maxStale(settings.duration(GovernedSettings.POLICY_MAX_STALE, Duration.ofMinutes(5)));
        settings.get(GovernedSettings.POLICY_KEY).ifPresent(key -> builder.verificationKeys(Path.of(key)));
        settings.get(GovernedSettings.POLICY_CACHE).ifPresent(directory -> builder.cacheDirectory(Path.of(directory)));
        return builder.build();
    }

    private static PolicyDecider localDecider(PolicySource source) {
        return caller -> {
            try {
                return source.current();
            } catch (PolicyException e) {
                throw new PolicyUnavailableException("Governed has no usable policy from " + source.location()
                        + ": " + e.getMessage(), e);
            }
        };
    }

    private static PolicyDecider remoteDecider(RemotePolicies remote) {
        return caller -> {
            try {
                return remote.policyFor(caller.identity(), caller.token());
            } catch (PolicyUnavailable e) {
                throw new PolicyUnavailableException("Governed has no usable policy: " + e.getMessage(), e);
            }
        };
    }

    /**
     * governed.issuer and governed.audience (comma-separated), governed.jwks, and optionally
     * governed.algorithms, governed.token.type (e.g. at+jwt), governed.clockSkew and
     * governed.groupsClaim; verified tokens are cached until they expire.
     */
    private static TokenVerifier verifier(GovernedSettings settings) {
        JwtTokenVerifier.Builder builder = JwtTokenVerifier.builder(key -> settings.get(key).orElse(null));
        settings.get("governed.algorithms").ifPresent(value -> builder.algorithms(value.split("\\s*,\\s*")));
        settings.get("governed.token.type").ifPresent(builder::requiredType);
        settings.get("governed.groupsClaim").ifPresent(value -> builder.groupClaims(value.split("\\s*,\\s*")));
        if (settings.get("governed.clockSkew").isPresent()) {
            builder.clockSkew(settings.duration("governed.clockSkew", JwtTokenVerifier.DEFAULT_CLOCK_SKEW));
        }
        return CachingTokenVerifier.of(builder.build());
    }

    /**
     * The sinks of governed.audit, with the governed.audit.* options (signing key, spool, queue,
     * checkpoints: see {@link AuditDispatcher}) from system properties and connection properties;
     * shared with every datasource and HTTP client of this JVM configured alike, so they write one chain.
     */
    private static AuditRecorder audit(GovernedSettings settings) {
        return AuditTrails.open(settings);
    }

    private static void closeQuietly(AutoCloseable resource) {
        if (resource == null) {
            return;
        }
        try {
            resource.close();
        } catch (Exception ignored) {
            // already failing with the more useful error
        }
    }
}
