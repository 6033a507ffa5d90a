package dev.governed.jdbc;

import dev.governed.core.identity.Identity;

/** A caller's token and what verifying it established; the token is needed to fetch its remote policy. */
record VerifiedCaller(String token, Identity identity) {}
