package dev.governed.core.identity;

/**
 * The token could not be checked because its issuer's keys could not be loaded (IdP or network
 * outage, bad JWKS document). Still a refusal, but a transient one: the same token may verify later,
 * so it is never remembered as bad.
 */
public final class JwksUnavailableException extends InvalidTokenException {
    public JwksUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
