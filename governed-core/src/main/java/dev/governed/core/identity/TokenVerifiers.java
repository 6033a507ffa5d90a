package dev.governed.core.identity;

import dev.governed.core.GovernedSettings;

/** The token verifier the {@code governed.*} settings describe, for every adapter alike. */
public final class TokenVerifiers {

    private TokenVerifiers() {}

    /**
     * governed.issuer and governed.audience (comma-separated), governed.jwks, and optionally governed.algorithms,
     * governed.token.type (e.g. at+jwt), governed.clockSkew and governed.groupsClaim; verified tokens are cached
     * until they expire.
     *
     * @throws IllegalArgumentException when a setting is missing or malformed, saying which
     */
    public static TokenVerifier configured(GovernedSettings settings) {
        JwtTokenVerifier.Builder builder = JwtTokenVerifier.builder(key -> settings.get(key).orElse(null));
        settings.get("governed.algorithms").ifPresent(value -> builder.algorithms(value.split("\\s*,\\s*")));
        settings.get("governed.token.type").ifPresent(builder::requiredType);
        settings.get("governed.groupsClaim").ifPresent(value -> builder.groupClaims(value.split("\\s*,\\s*")));
        if (settings.get("governed.clockSkew").isPresent()) {
            builder.clockSkew(settings.duration("governed.clockSkew", JwtTokenVerifier.DEFAULT_CLOCK_SKEW));
        }
        return CachingTokenVerifier.of(builder.build());
    }
}
