package dev.governed.core.engine;

import dev.governed.core.GovernedSettings;
import dev.governed.core.identity.Identity;
import dev.governed.core.internal.policy.PolicyUnavailable;
import dev.governed.core.internal.policy.RemotePolicies;
import dev.governed.policy.CompiledPolicy;
import dev.governed.policy.PolicyException;
import dev.governed.policy.source.PolicySource;
import dev.governed.policy.source.PolicySources;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where an adapter's policy snapshots come from ({@code governed.policy}): a local document, or the enforcement
 * service, per resource and caller. A request takes one snapshot and decides, masks and holds read-only from it.
 */
public interface PolicySnapshots extends AutoCloseable {

    /**
     * The policy in force for this caller on {@code resource} now.
     *
     * @throws PolicyUnavailable when none is usable: a local document broken on reload, or the service's answer
     *                           missing or older than {@code governed.policy.maxStale}
     */
    CompiledPolicy policyFor(Identity identity, String token, String resource) throws PolicyUnavailable;

    @Override
    void close();

    /**
     * The snapshots {@code settings} configure, a local document loaded now.
     *
     * @throws PolicyException when no policy is configured or the local document is unusable
     */
    static PolicySnapshots from(GovernedSettings settings, String environment) {
        String location = settings.get(GovernedSettings.POLICY).orElseThrow(() -> new PolicyException(
                "no policy configured; set governed.policy to a file path, file:, classpath: or the"
                        + " enforcement service's URL"));
        if (!GovernedSettings.isServiceUrl(location)) {
            return local(PolicySources.fromLocation(location));
        }
        // every setting is read and checked now (a bad key file fails here); each resource's client is made on first use
        remote(URI.create(location), "", environment, settings);
        Map<String, RemotePolicies> byResource = new ConcurrentHashMap<>();
        return new PolicySnapshots() {
            private volatile boolean closed;

            @Override
            public CompiledPolicy policyFor(Identity identity, String token, String resource) throws PolicyUnavailable {
                RemotePolicies policies = byResource.computeIfAbsent(resource,
                        name -> remote(URI.create(location), name, environment, settings).build());
                if (closed) { // a client made while closing would keep its refresh thread
                    policies.close();
                    throw new PolicyUnavailable("the policy source of " + location + " is closed", null);
                }
                return policies.policyFor(identity, token);
            }

            @Override
            public void close() {
                closed = true;
                byResource.values().forEach(RemotePolicies::close);
            }
        };
    }

    private static PolicySnapshots local(PolicySource source) {
        return new PolicySnapshots() {
            @Override
            public CompiledPolicy policyFor(Identity identity, String token, String resource) throws PolicyUnavailable {
                try {
                    return source.current();
                } catch (PolicyException e) {
                    throw new PolicyUnavailable("the policy at " + source.location() + " is unusable: " + e.getMessage(), e);
                }
            }

            @Override
            public void close() {
                try {
                    source.close();
                } catch (Exception ignored) {
                    // a file source holds nothing worth reporting at close
                }
            }
        };
    }

    private static RemotePolicies.Builder remote(URI service, String resource, String environment,
                                                 GovernedSettings settings) {
        RemotePolicies.Builder builder = RemotePolicies.builder(service, resource)
                .environment(environment)
                .refreshInterval(settings.duration(GovernedSettings.POLICY_REFRESH, Duration.ofSeconds(30)))
                .maxStale(settings.duration(GovernedSettings.POLICY_MAX_STALE, Duration.ofMinutes(5)));
        settings.get(GovernedSettings.POLICY_KEY).ifPresent(key -> builder.verificationKeys(Path.of(key)));
        settings.get(GovernedSettings.POLICY_CACHE).ifPresent(dir -> builder.cacheDirectory(Path.of(dir)));
        return builder;
    }
}
