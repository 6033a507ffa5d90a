package dev.governed.jdbc;

import dev.governed.core.identity.Identity;
import dev.governed.core.identity.InvalidTokenException;

/** The verified identity of whoever runs the current statement, resolved per statement. */
@FunctionalInterface
interface IdentitySource {
    Identity current() throws InvalidTokenException;
}
