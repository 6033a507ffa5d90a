package dev.governed.jdbc;

import dev.governed.audit.AuditDispatcher;
import dev.governed.audit.AuditException;
import dev.governed.audit.AuditRecorder;
import dev.governed.core.GovernedSettings;
import dev.governed.core.identity.CachingTokenVerifier;
import dev.governed.core.identity.JwtTokenVerifier;
import dev.governed.core.identity.TokenVerifier;
import dev.governed.jdbc.sql.SqlAnalyzer;
import dev.governed.policy.PolicyException;
import dev.governed.policy.source.PolicySource;
import dev.governed.policy.source.PolicySources;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;

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
                    settings.flag(GovernedSettings.ALLOW_UNWRAP), policy);
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
        return request -> {
            try {
                return source.current().evaluate(request);
            } catch (PolicyException e) {
                throw new PolicyUnavailableException("Governed has no usable policy from " + source.location()
                        + ": " + e.getMessage(), e);
            }
        };
    }

    /** governed.issuer and governed.audience (comma-separated) and governed.jwks, verified results cached. */
    private static TokenVerifier verifier(GovernedSettings settings) {
        return CachingTokenVerifier.of(JwtTokenVerifier.builder(key -> settings.get(key).orElse(null)).build());
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
