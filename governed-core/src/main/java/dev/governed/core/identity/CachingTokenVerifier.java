package dev.governed.core.identity;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Remembers verified tokens so the hot path is a hash lookup: a token string that verified once maps to
 * its {@link Identity} until the token's {@code exp}. A hit is still checked against the clock (Caffeine
 * evicts lazily), and callers holding an identity across statements must re-check
 * {@link Identity#isExpired} themselves.
 *
 * <p>Refusals are remembered too, briefly, so a flood of the same bad token costs one verification per
 * {@code failureTtl}; refusals caused by unreachable keys ({@link JwksUnavailableException}) are not,
 * since the same token may verify a moment later. The verified cache is bounded by entry count, the
 * refused one by total characters, and strings longer than a token can be are never cached.
 */
public final class CachingTokenVerifier implements TokenVerifier {
    public static final long DEFAULT_MAXIMUM_SIZE = 10_000;
    public static final Duration DEFAULT_FAILURE_TTL = Duration.ofSeconds(5);
    /** Refused tokens are attacker-chosen strings, so their cache is bounded by characters, not entries (~8 MB). */
    private static final long MAX_REFUSED_CHARACTERS = 4_000_000;
    /** Longer strings are never cached; {@link JwtTokenVerifier} refuses them before parsing anyway. */
    private static final int MAX_CACHED_TOKEN_LENGTH = JwtTokenVerifier.MAX_TOKEN_LENGTH;

    private final TokenVerifier delegate;
    private final Clock clock;
    private final Cache<String, Identity> verified;
    private final Cache<String, String> refused;

    private CachingTokenVerifier(Builder builder) {
        this.delegate = builder.delegate;
        this.clock = builder.clock;
        this.verified = builder.caffeine()
                .maximumSize(builder.maximumSize)
                .expireAfter(new UntilTokenExpiry(clock))
                .build();
        this.refused = builder.caffeine()
                .maximumWeight(MAX_REFUSED_CHARACTERS)
                .<String, String>weigher((token, message) -> token.length() + message.length())
                .expireAfterWrite(builder.failureTtl)
                .build();
    }

    /** Caches {@code delegate} with default bounds. */
    public static CachingTokenVerifier of(TokenVerifier delegate) {
        return builder(delegate).build();
    }

    public static Builder builder(TokenVerifier delegate) {
        return new Builder(delegate);
    }

    @Override
    public Identity verify(String token) throws InvalidTokenException {
        if (token == null || token.length() > MAX_CACHED_TOKEN_LENGTH) {
            return delegate.verify(token);
        }
        Identity cached = verified.getIfPresent(token);
        if (cached != null) {
            Instant now = clock.instant();
            if (!cached.isExpired(now)) {
                return cached;
            }
            verified.invalidate(token);
            throw new InvalidTokenException("token expired at " + Messages.time(cached.expiresAt()) + " (now "
                    + Messages.time(now) + "); obtain a fresh token");
        }
        String refusal = refused.getIfPresent(token);
        if (refusal != null) {
            throw new InvalidTokenException(refusal);
        }
        try {
            Identity identity = delegate.verify(token);
            verified.put(token, identity);
            return identity;
        } catch (JwksUnavailableException e) {
            throw e;
        } catch (InvalidTokenException e) {
            refused.put(token, e.getMessage());
            throw e;
        }
    }

    /** Entries live until the token's {@code exp}, measured on the verifier's clock. */
    private record UntilTokenExpiry(Clock clock) implements Expiry<String, Identity> {
        @Override
        public long expireAfterCreate(String token, Identity identity, long currentTime) {
            long nanos = Duration.between(clock.instant(), identity.expiresAt()).toNanos();
            return Math.max(0, nanos);
        }

        @Override
        public long expireAfterUpdate(String token, Identity identity, long currentTime, long currentDuration) {
            return expireAfterCreate(token, identity, currentTime);
        }

        @Override
        public long expireAfterRead(String token, Identity identity, long currentTime, long currentDuration) {
            return currentDuration;
        }
    }

    public static final class Builder {
        private final TokenVerifier delegate;
        private long maximumSize = DEFAULT_MAXIMUM_SIZE;
        private Duration failureTtl = DEFAULT_FAILURE_TTL;
        private Clock clock = Clock.systemUTC();
        private boolean sameThreadMaintenance;

        private Builder(TokenVerifier delegate) {
            this.delegate = Objects.requireNonNull(delegate, "delegate");
        }

        /** Most verified tokens remembered (refused ones are bounded by total size). */
        public Builder maximumSize(long maximumSize) {
            if (maximumSize < 1) {
                throw new IllegalArgumentException("maximum size must be positive, was " + maximumSize);
            }
            this.maximumSize = maximumSize;
            return this;
        }

        /** How long a refused token is refused without re-verifying; {@link Duration#ZERO} turns this off. */
        public Builder failureTtl(Duration failureTtl) {
            if (failureTtl.isNegative()) {
                throw new IllegalArgumentException("failure TTL must not be negative");
            }
            this.failureTtl = failureTtl;
            return this;
        }

        /** The clock used for expiry; should be the same clock the delegate uses. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Test seam: evict on the calling thread so size bounds are observable at once. */
        Builder sameThreadMaintenance() {
            this.sameThreadMaintenance = true;
            return this;
        }

        private Caffeine<Object, Object> caffeine() {
            Caffeine<Object, Object> result = Caffeine.newBuilder();
            return sameThreadMaintenance ? result.executor(Runnable::run) : result;
        }

        public CachingTokenVerifier build() {
            return new CachingTokenVerifier(this);
        }
    }
}
