package dev.governed.core.engine;

import dev.governed.core.identity.InvalidTokenException;

/**
 * Who makes the current request, verified. The engine has its own (the configured token sources); a transport
 * whose connections carry their caller (a JDBC connection opened with a token, a delegated login) brings its own.
 */
@FunctionalInterface
public interface CallerSource {

    /** @throws InvalidTokenException when there is no token, or it is invalid or expired */
    VerifiedCaller current() throws InvalidTokenException;
}
