package dev.governed.jdbc;

import dev.governed.core.identity.InvalidTokenException;

/** The verified caller of the current statement, resolved per statement. */
@FunctionalInterface
interface IdentitySource {
    VerifiedCaller current() throws InvalidTokenException;
}
