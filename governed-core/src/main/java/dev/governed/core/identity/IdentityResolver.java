package dev.governed.core.identity;

import java.time.Clock;
import java.time.Instant;
import java.util.Objects;

/**
 * The per-statement step 1: the current call's token from a {@link TokenSource}, verified (normally by a
 * {@link CachingTokenVerifier}, so a hash lookup), and checked against the clock, since a cached identity
 * outlives nothing but its own {@code exp}.
 */
public final class IdentityResolver {
    private final TokenSource source;
    private final TokenVerifier verifier;
    private final Clock clock;

    public IdentityResolver(TokenSource source, TokenVerifier verifier) {
        this(source, verifier, Clock.systemUTC());
    }

    public IdentityResolver(TokenSource source, TokenVerifier verifier, Clock clock) {
        this.source = Objects.requireNonNull(source, "source");
        this.verifier = Objects.requireNonNull(verifier, "verifier");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The verified, unexpired identity of whoever is calling now. */
    public Identity resolve() throws InvalidTokenException {
        String token = source.token().orElseThrow(() -> new InvalidTokenException("no token for this call; looked in "
                + source.description() + "; pass the caller's JWT in one of them"));
        Identity identity = verifier.verify(token);
        Instant now = clock.instant();
        if (identity.isExpired(now)) {
            throw new InvalidTokenException("token expired at " + Messages.time(identity.expiresAt()) + " (now "
                    + Messages.time(now) + "); obtain a fresh token");
        }
        return identity;
    }
}
