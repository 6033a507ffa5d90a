package dev.governed.jdbc;

import dev.governed.audit.AuditDispatcher;
import dev.governed.audit.AuditException;
import dev.governed.audit.AuditRecorder;
import dev.governed.core.GovernedSettings;
import dev.governed.core.identity.CachingTokenVerifier;
import dev.governed.core.identity.JwtTokenVerifier;
import dev.governed.core.identity.TokenVerifier;
import dev.governed.jdbc.mask.MaskConfiguration;
import dev.governed.jdbc.sql.SqlAnalyzer;
import dev.governed.policy.CompiledPolicy;
import dev.governed.policy.Decision;
import dev.governed.policy.MaskRule;
import dev.governed.policy.SqlRequest;
import dev.governed.policy.PolicyException;
import dev.governed.policy.source.PolicySource;
import dev.governed.policy.source.PolicySources;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.util.Arrays;
import java.util.List;

/** Builds a datasource's {@link Governance} from its settings, failing at connect with what is wrong. */
final class GovernanceFactory {

    /** One analyser for the JVM: analyses depend on the SQL text only, so every datasource shares the cache. */
    private static final SqlAnalyzer ANALYZER = SqlAnalyzer.builder().build();

    private GovernanceFactory() {}

    static Governance create(String targetUrl, GovernedSettings settings) throws SQLException {
        PolicySource policy = null;
        try {
            policy = policySource(settings);
            TokenVerifier verifier = verifier(settings);
            AuditRecorder audit = audit(settings);
            Target target = new Target(
                    settings.get(GovernedSettings.RESOURCE).orElseGet(() -> Target.databaseName(targetUrl)),
                    Target.describe(targetUrl),
                    settings.get(GovernedSettings.ENVIRONMENT).orElse(null));
            return new Governance(ANALYZER::analyze, verifier, decider(policy), audit, target,
                    settings.flag(GovernedSettings.ALLOW_UNWRAP),
                    MaskConfiguration.withKey(settings.get(MaskConfiguration.HASH_KEY).orElse(null)), policy);
        } catch (PolicyException | AuditException | IllegalArgumentException | IllegalStateException e) {
            closeQuietly(policy);
            throw new SQLNonTransientConnectionException(
                    "Governed cannot govern " + Target.describe(targetUrl) + ": " + e.getMessage(), "08001", e);
        }
    }

    private static PolicySource policySource(GovernedSettings settings) {
        String location = settings.get(GovernedSettings.POLICY).orElseThrow(() -> new PolicyException(
                "no policy configured; set governed.policy to a file path, file:, classpath: or the"
                        + " enforcement service's URL"));
        PolicySource source = PolicySources.fromLocation(location);
        source.current(); // load now, so a broken policy fails the connection rather than the first statement
        return source;
    }

    private static PolicyDecider decider(PolicySource source) {
        return new PolicyDecider() {
            @Override
            public Decision decide(SqlRequest request) throws PolicyUnavailableException {
                return current().evaluate(request);
            }

            @Override
            public List<MaskRule> masks() throws PolicyUnavailableException {
                return current().document().masks();
            }

            private CompiledPolicy current() throws PolicyUnavailableException {
                try {
                    return source.current();
                } catch (PolicyException e) {
                    throw new PolicyUnavailableException("Governed has no usable policy from " + source.location()
                            + ": " + e.getMessage(), e);
                }
            }
        };
    }

    private static TokenVerifier verifier(GovernedSettings settings) {
        List<String> issuers = settings.get(GovernedSettings.ISSUER)
                .map(value -> Arrays.stream(value.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList())
                .orElse(List.of());
        String jwks = settings.get(GovernedSettings.JWKS).orElse(null);
        if (jwks == null && issuers.isEmpty()) {
            throw new IllegalArgumentException("no token verification keys configured; set governed.jwks to the"
                    + " identity provider's JWKS (file: or https://), or governed.issuer for OIDC discovery");
        }
        JwtTokenVerifier.Builder builder = JwtTokenVerifier.builder().issuers(issuers);
        if (jwks != null) {
            builder.jwks(jwks);
        }
        settings.get(GovernedSettings.AUDIENCE).ifPresent(builder::audience);
        return CachingTokenVerifier.of(builder.build());
    }

    private static AuditRecorder audit(GovernedSettings settings) {
        String sinks = settings.get(GovernedSettings.AUDIT).orElseThrow(() -> new AuditException(
                "no audit sink configured; Governed records every statement, so set governed.audit, e.g."
                        + " jsonl:/var/log/governed/audit.jsonl"));
        return AuditDispatcher.fromSpec(sinks);
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
