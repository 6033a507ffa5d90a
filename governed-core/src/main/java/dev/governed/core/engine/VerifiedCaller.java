package dev.governed.core.engine;

import dev.governed.core.identity.Identity;

/**
 * A caller's token and what verifying it established. The token is kept to fetch the caller's remote policy and
 * to act for it; never log or audit it.
 */
public record VerifiedCaller(String token, Identity identity) {}
