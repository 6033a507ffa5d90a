package dev.governed.jdbc;

import dev.governed.core.GovernedSettings;
import dev.governed.core.engine.CallerSource;
import dev.governed.core.engine.VerifiedCaller;
import dev.governed.core.identity.Identity;
import dev.governed.core.identity.InvalidTokenException;
import dev.governed.core.identity.TokenSource;
import dev.governed.core.identity.TokenVerifier;
import java.time.Instant;
import java.util.List;
import java.util.Properties;

/**
 * The caller of one connection's current statement: the scoped token
 * ({@code Governed.runAs}) first, then the configured ones (see {@link TokenSource}).
 * The last verified token is remembered, so a caller that keeps its token pays
 * one string comparison and an expiry check per statement.
 */
final class CallerIdentity implements CallerSource {

    private final TokenSource tokens;
    private final TokenVerifier verifier;
    private final boolean configured;
    private volatile VerifiedCaller last;

    private CallerIdentity(TokenSource tokens, TokenVerifier verifier, boolean configured) {
        this.tokens = tokens;
        this.verifier = verifier;
        this.configured = configured;
    }

    /** With a token provider configured, it replaces the static sources; a scoped token still wins. */
    static CallerIdentity from(GovernedSettings settings, TokenVerifier verifier, TokenSource provider) {
        if (provider != null) {
            return new CallerIdentity(TokenSource.firstOf(List.of(TokenSource.scoped(), provider)), verifier, false);
        }
        Properties explicit = new Properties();
        explicit.putAll(settings.explicit());
        boolean configured = settings.get(GovernedSettings.TOKEN).isPresent()
                || settings.get(GovernedSettings.TOKEN_FILE).isPresent();
        return new CallerIdentity(TokenSource.standard(explicit), verifier, configured);
    }

    /** Whether a token is configured for the connection, as opposed to brought per call. */
    boolean hasConfiguredToken() {
        return configured;
    }

    @Override
    public VerifiedCaller current() throws InvalidTokenException {
        String token = tokens.token().orElseThrow(() -> new InvalidTokenException("no caller token. Set"
                + " governed.token or governed.token.file (or GOVERNED_TOKEN), or run the call inside"
                + " Governed.runAs(token, ...). Looked in: " + tokens.description() + "."));
        VerifiedCaller caller = last;
        if (caller == null || !caller.token().equals(token)) {
            caller = new VerifiedCaller(token, verifier.verify(token));
            last = caller;
        }
        Identity identity = caller.identity();
        if (identity.isExpired(Instant.now())) {
            throw new InvalidTokenException("the token of " + identity.subject() + " expired at "
                    + identity.expiresAt() + "; obtain a fresh token.");
        }
        return caller;
    }
}
