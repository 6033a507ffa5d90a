package dev.governed.core.internal.policy;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jose.jwk.JWKSet;
import dev.governed.core.identity.Identity;
import dev.governed.policy.CompiledPolicy;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Effective policies from the enforcement service, one per caller (subject and
 * groups), for one resource and environment. A caller's first statement waits for
 * its policy; after that statements never wait: a background refresh asks the
 * service every {@code refreshInterval} with {@code If-None-Match}. When the
 * service is unreachable the last good policy keeps deciding until it is older
 * than {@code maxStale}; then statements fail until the service is back.
 */
public final class RemotePolicies implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RemotePolicies.class);

    private final PolicyFetch fetch;
    private final Duration refreshInterval;
    private final Duration maxStale;
    private final Clock clock;
    private final PolicyCacheFile cacheFile;
    private final Cache<PolicyKey, Entry> entries;
    private final ScheduledExecutorService refresher;

    /** A caller's policy and what refreshing it needs; replaced whole, never mutated but for the token. */
    private static final class Entry {
        final CompiledPolicy policy;
        final String etag;
        final Instant confirmedAt;
        final long confirmedAtMillis;
        volatile String latestToken;

        Entry(CompiledPolicy policy, String etag, Instant confirmedAt, String latestToken) {
            this.policy = policy;
            this.etag = etag;
            this.confirmedAt = confirmedAt;
            this.confirmedAtMillis = confirmedAt.toEpochMilli();
            this.latestToken = latestToken;
        }
    }

    private RemotePolicies(Builder builder) {
        this.fetch = new PolicyFetch(builder.http, builder.service, builder.resource, builder.environment,
                builder.timeout, builder.verificationKeys);
        this.refreshInterval = builder.refreshInterval;
        this.maxStale = builder.maxStale;
        this.clock = builder.clock;
        this.cacheFile = builder.cacheDirectory == null ? null
                : new PolicyCacheFile(builder.cacheDirectory, builder.resource, builder.environment);
        this.entries = Caffeine.newBuilder()
                .maximumSize(builder.maximumCallers)
                .expireAfterAccess(builder.idleExpiry)
                .build();
        this.refresher = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "governed-policy-refresh");
            thread.setDaemon(true);
            return thread;
        });
        long period = refreshInterval.toMillis();
        refresher.scheduleWithFixedDelay(this::refreshAll, period, period, TimeUnit.MILLISECONDS);
    }

    public static Builder builder(URI service, String resource) {
        return new Builder(service, resource);
    }

    /**
     * The policy for this caller. Waits for the service only the first time a caller is seen
     * (or after its entry expired); otherwise answers from memory.
     */
    public CompiledPolicy policyFor(Identity identity, String token) throws PolicyUnavailable {
        PolicyKey key = PolicyKey.of(identity);
        Entry entry = entries.getIfPresent(key);
        if (entry == null) {
            entry = firstFetch(key, token);
        } else if (!token.equals(entry.latestToken)) {
            entry.latestToken = token; // refreshes use the caller's newest token
        }
        long ageMillis = clock.millis() - entry.confirmedAtMillis;
        if (ageMillis > maxStale.toMillis()) {
            Duration age = Duration.ofMillis(ageMillis);
            throw new PolicyUnavailable("the last policy confirmed by " + fetch.uri() + " is " + age.toSeconds()
                    + " s old, more than governed.policy.maxStale (" + maxStale.toSeconds() + " s), and the service"
                    + " cannot be reached; statements resume when it is back", null);
        }
        return entry.policy;
    }

    private Entry firstFetch(PolicyKey key, String token) throws PolicyUnavailable {
        try {
            PolicyFetch.Fetched fetched = fetch.fetch(token, null).orElseThrow(() -> new PolicyUnavailable(
                    "the enforcement service answered 304 to a request without an ETag", null));
            Entry entry = new Entry(fetched.policy(), fetched.etag(), clock.instant(), token);
            entries.put(key, entry);
            if (cacheFile != null) {
                cacheFile.write(key, fetched.text());
            }
            return entry;
        } catch (PolicyUnavailable unavailable) {
            Optional<Entry> cached = fromCacheFile(key, token);
            if (cached.isPresent()) {
                entries.put(key, cached.get());
                return cached.get();
            }
            throw unavailable;
        }
    }

    /** After a restart without the service: the policy last persisted, as old as its file. */
    private Optional<Entry> fromCacheFile(PolicyKey key, String token) {
        if (cacheFile == null) {
            return Optional.empty();
        }
        return cacheFile.read(key).flatMap(cached -> {
            try {
                CompiledPolicy policy = CompiledPolicy.compile(dev.governed.policy.PolicyDocuments.parse(
                        fetch.verifiedDocument(cached.text()), cached.path().toString()));
                LOG.warn("Governed: the enforcement service is unreachable; using the policy cached at {}", cached.path());
                return Optional.of(new Entry(policy, null, cached.savedAt(), token));
            } catch (PolicyUnavailable | RuntimeException e) {
                LOG.warn("Governed: ignoring the cached policy {}: {}", cached.path(), e.getMessage());
                return Optional.empty();
            }
        });
    }

    /** Asks the service about every cached caller; a failure keeps the previous policy. */
    void refreshAll() {
        entries.asMap().forEach((key, entry) -> {
            try {
                Optional<PolicyFetch.Fetched> fetched = fetch.fetch(entry.latestToken, entry.etag);
                Entry next = fetched
                        .map(each -> new Entry(each.policy(), each.etag(), clock.instant(), entry.latestToken))
                        .orElseGet(() -> new Entry(entry.policy, entry.etag, clock.instant(), entry.latestToken));
                entries.asMap().replace(key, entry, next);
                if (cacheFile != null && fetched.isPresent()) {
                    cacheFile.write(key, fetched.get().text());
                }
            } catch (PolicyUnavailable e) {
                LOG.warn("Governed: could not refresh the policy for {}; keeping version {}: {}",
                        key.subject(), entry.policy.version(), e.getMessage());
            } catch (RuntimeException e) {
                LOG.error("Governed: policy refresh failed for {}", key.subject(), e);
            }
        });
    }

    @Override
    public void close() {
        refresher.shutdownNow();
    }

    /** Settings of a remote policy source; see the class comment for what each bounds. */
    public static final class Builder {
        private final URI service;
        private final String resource;
        private String environment;
        private Duration refreshInterval = Duration.ofSeconds(30);
        private Duration maxStale = Duration.ofMinutes(5);
        private Duration timeout = Duration.ofSeconds(10);
        private Duration idleExpiry = Duration.ofMinutes(30);
        private long maximumCallers = 10_000;
        private JWKSet verificationKeys;
        private Path cacheDirectory;
        private HttpClient http;
        private Clock clock = Clock.systemUTC();

        private Builder(URI service, String resource) {
            this.service = Objects.requireNonNull(service, "service");
            this.resource = Objects.requireNonNull(resource, "resource");
        }

        public Builder environment(String name) {
            this.environment = name;
            return this;
        }

        public Builder refreshInterval(Duration interval) {
            this.refreshInterval = positive(interval, "refreshInterval");
            return this;
        }

        public Builder maxStale(Duration limit) {
            this.maxStale = positive(limit, "maxStale");
            return this;
        }

        public Builder timeout(Duration limit) {
            this.timeout = positive(limit, "timeout");
            return this;
        }

        public Builder maximumCallers(long count) {
            this.maximumCallers = count;
            return this;
        }

        /** Require documents signed by one of these keys (the service's {@code /v1/keys}). */
        public Builder verificationKeys(JWKSet keys) {
            this.verificationKeys = keys;
            return this;
        }

        /** Reads the verification keys from a JWK or JWKS file. */
        public Builder verificationKeys(Path file) {
            try {
                String json = Files.readString(file);
                this.verificationKeys = json.contains("\"keys\"") ? JWKSet.parse(json)
                        : new JWKSet(com.nimbusds.jose.jwk.JWK.parse(json));
                return this;
            } catch (IOException | ParseException e) {
                throw new IllegalArgumentException("cannot read the policy verification key " + file + ": "
                        + e.getMessage() + "; set governed.policy.key to a JWK or JWKS file", e);
            }
        }

        /** Persist each caller's last policy here, so a restart without the service still works. */
        public Builder cacheDirectory(Path directory) {
            this.cacheDirectory = directory;
            return this;
        }

        public Builder httpClient(HttpClient client) {
            this.http = client;
            return this;
        }

        public Builder clock(Clock source) {
            this.clock = Objects.requireNonNull(source);
            return this;
        }

        public RemotePolicies build() {
            if (http == null) {
                http = HttpClient.newBuilder().connectTimeout(timeout).build();
            }
            return new RemotePolicies(this);
        }

        private static Duration positive(Duration value, String name) {
            if (value == null || value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, was " + value);
            }
            return value;
        }
    }
}
