package dev.governed.jdbc;

import dev.governed.core.GovernedSettings;
import dev.governed.core.identity.TokenProviders;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The driver's governances, one per distinct configuration, so every connection
 * to the same target with the same settings shares one policy, verifier and audit
 * trail. Tokens are not part of the configuration: they are per caller. At JVM
 * exit every audit trail is flushed.
 */
final class GovernanceRegistry {

    private static final GovernanceRegistry SHARED = new GovernanceRegistry();
    private static final List<String> CONFIGURATION_KEYS = List.of(GovernedSettings.POLICY,
            GovernedSettings.POLICY_REFRESH, GovernedSettings.POLICY_MAX_STALE, GovernedSettings.POLICY_KEY,
            GovernedSettings.POLICY_CACHE, GovernedSettings.ISSUER,
            GovernedSettings.JWKS, GovernedSettings.AUDIENCE, GovernedSettings.RESOURCE, GovernedSettings.ENVIRONMENT,
            GovernedSettings.AUDIT, GovernedSettings.ALLOW_UNWRAP, TokenProviders.PROVIDER_SETTING,
            GovernanceFactory.REDACT_LITERALS);

    private final ConcurrentMap<String, Governance> byConfiguration = new ConcurrentHashMap<>();

    private GovernanceRegistry() {
        Runtime.getRuntime().addShutdownHook(new Thread(this::closeAll, "governed-shutdown"));
    }

    static GovernanceRegistry shared() {
        return SHARED;
    }

    Governance governanceFor(String targetUrl, GovernedSettings settings) throws SQLException {
        String key = key(targetUrl, settings);
        Governance existing = byConfiguration.get(key);
        if (existing != null) {
            return existing;
        }
        synchronized (this) {
            existing = byConfiguration.get(key);
            if (existing == null) {
                existing = GovernanceFactory.create(targetUrl, settings);
                byConfiguration.put(key, existing);
            }
            return existing;
        }
    }

    /** Writes out every accepted audit event; for tests and orderly hand-overs. */
    void flushAll() {
        byConfiguration.values().forEach(each -> each.engine.flush());
    }

    private void closeAll() {
        for (Governance each : byConfiguration.values()) {
            try {
                each.close();
            } catch (RuntimeException e) {
                System.err.println("Governed: could not close an audit trail cleanly at exit: " + e.getMessage());
            }
        }
    }

    /** Every setting but the per-caller tokens: the known keys as resolved, and any other explicit one. */
    private static String key(String targetUrl, GovernedSettings settings) {
        Map<String, String> values = new TreeMap<>(settings.explicit());
        values.remove(GovernedSettings.TOKEN);
        values.remove(GovernedSettings.TOKEN_FILE);
        for (String each : CONFIGURATION_KEYS) {
            settings.get(each).ifPresent(value -> values.put(each, value));
        }
        return targetUrl + " " + values;
    }
}
