package dev.governed.core.identity;

/** Turns a compact JWT into a verified {@link Identity}, or says why it cannot. */
public interface TokenVerifier {
    Identity verify(String token) throws InvalidTokenException;
}
