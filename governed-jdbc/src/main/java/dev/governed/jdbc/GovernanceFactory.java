package dev.governed.jdbc;

import dev.governed.audit.AuditException;
import dev.governed.audit.AuditRecorder;
import dev.governed.core.GovernedSettings;
import dev.governed.core.engine.AuditTrails;
import dev.governed.core.engine.Engine;
import dev.governed.core.engine.PolicySnapshots;
import dev.governed.core.identity.TokenProvider;
import dev.governed.core.identity.TokenProviders;
import dev.governed.core.identity.TokenVerifier;
import dev.governed.core.identity.TokenVerifiers;
import dev.governed.core.mask.MaskConfiguration;
import dev.governed.jdbc.internal.sql.SqlAnalyzer;
import dev.governed.policy.PolicyException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
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
        PolicySnapshots snapshots = null;
        try {
            Target target = new Target(
                    settings.get(GovernedSettings.RESOURCE).orElseGet(() -> Target.databaseName(targetUrl)),
                    Target.describe(targetUrl),
                    settings.get(GovernedSettings.ENVIRONMENT).orElse(null));
            boolean redactLiterals = settings.flag(REDACT_LITERALS);
            Function<String, String> auditedText = redactLiterals ? ANALYZER::normalised : Function.identity();
            Recording recording = Recording.from(settings, redactLiterals);
            snapshots = PolicySnapshots.from(settings, target.environment()); // a broken file fails here
            TokenVerifier verifier = TokenVerifiers.configured(settings);
            TokenProvider provider = TokenProviders.configured(settings).orElse(null);
            // shared with every datasource and HTTP client of this JVM configured alike, so they write one chain
            AuditRecorder audit = AuditTrails.open(settings);
            Engine engine = Engine.of(target.environment(), verifier, snapshots, audit,
                    MaskConfiguration.withKey(settings.get(MaskConfiguration.HASH_KEY).orElse(null)), provider);
            return new Governance(ANALYZER::analyze, auditedText, verifier,
                    provider == null ? null : TokenProviders.asSource(provider), engine, target,
                    settings.flag(GovernedSettings.ALLOW_UNWRAP), ApprovalStep.from(settings).orElse(null), recording);
        } catch (PolicyException | AuditException | IllegalArgumentException | IllegalStateException e) {
            closeQuietly(snapshots);
            throw new SQLNonTransientConnectionException(
                    "Governed cannot govern " + Target.describe(targetUrl) + ": " + e.getMessage(), "08001", e);
        }
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
