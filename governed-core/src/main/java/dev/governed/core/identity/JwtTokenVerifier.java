package dev.governed.core.identity;

import static dev.governed.core.identity.Messages.quote;

import com.nimbusds.jose.Header;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.PlainHeader;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Verifies a compact JWS access token against trusted issuers' published keys (Nimbus JOSE+JWT) and
 * maps it to an {@link Identity}.
 *
 * <p>In order: the header's {@code alg} must be on the allow-list (default RS256, ES256, EdDSA; {@code none}
 * and HMAC are never accepted, whatever the configuration); an optional required {@code typ}; the
 * {@code iss} must be a trusted issuer; the signature must verify with a key from that issuer's JWKS
 * (selected by {@code kid} and key type, so an RSA key is never used for another algorithm); then the
 * claims: {@code exp} (required, exact), {@code nbf}/{@code iat} (within the clock skew), {@code aud}
 * (required, one of the configured audiences), {@code sub} (required). {@code jti} becomes the token id,
 * and groups are read from JSON arrays of strings in the configured claims (default {@code groups}). An
 * RFC 8693 {@code act} claim makes its {@code sub} the identity's subject (the party acting), the token's
 * {@code sub} its {@link Identity#onBehalfOf()}, and the nested chain its {@link Identity#delegation()},
 * at most {@code governed.delegation.maxDepth} actors deep (default 5). Every refusal is an
 * {@link InvalidTokenException} whose message says what is wrong and what to do; no message contains
 * the token.
 *
 * <p>Keys of each issuer come from a JWKS file (re-read when it changes), an {@code http(s)://} URL
 * (cached, refreshed ahead, refetched at most once per refresh interval for an unknown {@code kid},
 * served stale during an outage), or OIDC discovery from the issuer URL. Binding keys to issuers keeps
 * one trusted provider from minting tokens in another's name.
 *
 * <p>This class does the full cryptographic check on every call; wrap it in {@link CachingTokenVerifier}
 * for the hot path.
 */
public final class JwtTokenVerifier implements TokenVerifier {
    /** Algorithms accepted when none are configured. */
    public static final Set<String> DEFAULT_ALGORITHMS = Set.of("RS256", "ES256", "EdDSA");
    public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(30);
    public static final List<String> DEFAULT_GROUP_CLAIMS = List.of("groups");
    /** Longer tokens are refused before any parsing, so a flood of huge strings costs nothing. */
    public static final int MAX_TOKEN_LENGTH = 16 * 1024;
    public static final String ISSUER_SETTING = "governed.issuer";
    public static final String JWKS_SETTING = "governed.jwks";
    public static final String AUDIENCE_SETTING = "governed.audience";
    public static final String MAX_DELEGATION_DEPTH_SETTING = "governed.delegation.maxDepth";
    public static final int DEFAULT_MAX_DELEGATION_DEPTH = ActClaim.DEFAULT_MAX_DEPTH;

    private final Map<String, KeySet> issuers;
    private final Set<JWSAlgorithm> algorithms;
    private final JOSEObjectType requiredType;
    private final ClaimRules claimRules;
    private final Clock clock;

    private JwtTokenVerifier(Builder builder, Map<String, KeySet> issuers) {
        this.issuers = Map.copyOf(issuers);
        this.algorithms = builder.algorithms.stream().map(JWSAlgorithm::parse).collect(Collectors.toUnmodifiableSet());
        this.requiredType = builder.requiredType == null ? null : new JOSEObjectType(builder.requiredType);
        this.claimRules = new ClaimRules(builder.audiences, builder.clockSkew, builder.groupClaims, builder.maxDelegationDepth);
        this.clock = builder.clock;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder preset from Governed settings: {@code governed.issuer} (comma-separated), {@code governed.jwks},
     * {@code governed.audience} (comma-separated) and {@code governed.delegation.maxDepth}. {@code settings} answers a setting's value or
     * {@code null}; merging connection properties, system properties and environment is the caller's job.
     */
    public static Builder builder(Function<String, String> settings) {
        Builder result = new Builder();
        split(settings.apply(ISSUER_SETTING)).forEach(result::issuer);
        String jwks = settings.apply(JWKS_SETTING);
        if (jwks != null && !jwks.isBlank()) {
            result.jwks(jwks);
        }
        result.audience(split(settings.apply(AUDIENCE_SETTING)).toArray(String[]::new));
        String depth = settings.apply(MAX_DELEGATION_DEPTH_SETTING);
        if (depth != null && !depth.isBlank()) {
            try {
                result.maxDelegationDepth(Integer.parseInt(depth.trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(MAX_DELEGATION_DEPTH_SETTING + " must be a whole number from 1 to "
                        + ActClaim.MAX_DEPTH_LIMIT + ", was " + quote(depth));
            }
        }
        return result;
    }

    private static List<String> split(String value) {
        if (value == null) {
            return List.of();
        }
        return Arrays.stream(value.split(",")).map(String::trim).filter(each -> !each.isEmpty()).toList();
    }

    @Override
    public Identity verify(String token) throws InvalidTokenException {
        if (token == null || token.isBlank()) {
            throw new InvalidTokenException("no token was presented; pass the caller's JWT (governed.token, governed.token.file, "
                    + "Governed.runAs or GOVERNED_TOKEN)");
        }
        if (token.length() > MAX_TOKEN_LENGTH) {
            throw new InvalidTokenException("token is " + token.length() + " characters long, over the limit of " + MAX_TOKEN_LENGTH
                    + "; this is not an access token");
        }
        JWSHeader header = signedHeader(token);
        SignedJWT jwt;
        JWTClaimsSet claims;
        try {
            jwt = SignedJWT.parse(token);
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw new InvalidTokenException("token is not a well-formed signed JWT (" + e.getMessage()
                    + "); pass the compact access token exactly as issued", e);
        }
        KeySet keys = trustedKeys(claims.getIssuer());
        SignatureCheck.verify(jwt, header, keys);
        return claimRules.identity(claims, clock.instant());
    }

    /** Header checks that need no key: the cheapest refusals come first. */
    private JWSHeader signedHeader(String token) throws InvalidTokenException {
        int dot = token.indexOf('.');
        if (dot <= 0) {
            throw new InvalidTokenException("token is not a JWT (expected three base64url parts separated by dots); "
                    + "pass the compact access token exactly as issued");
        }
        Header header;
        try {
            header = Header.parse(new Base64URL(token.substring(0, dot)));
        } catch (ParseException e) {
            throw new InvalidTokenException("token header is not valid JOSE JSON (" + e.getMessage()
                    + "); pass the compact access token exactly as issued", e);
        }
        if (header instanceof PlainHeader) {
            throw new InvalidTokenException("token is unsigned (alg none); Governed only accepts tokens signed with "
                    + Messages.list(algorithmNames()) + " by a trusted identity provider");
        }
        if (header instanceof JWEHeader) {
            throw new InvalidTokenException("token is encrypted (JWE); Governed expects a signed access token (JWS)");
        }
        JWSHeader jws = (JWSHeader) header;
        JWSAlgorithm algorithm = jws.getAlgorithm();
        if (JWSAlgorithm.Family.HMAC_SHA.contains(algorithm)) {
            throw new InvalidTokenException("token is signed with " + algorithm + ", a shared-secret algorithm that Governed never "
                    + "accepts (anyone holding the secret could mint identities); the identity provider must sign with one of "
                    + Messages.list(algorithmNames()));
        }
        if (!algorithms.contains(algorithm)) {
            throw new InvalidTokenException("token algorithm " + quote(algorithm) + " is not allowed; allowed: "
                    + Messages.list(algorithmNames()) + " (see the verifier's algorithms setting)");
        }
        if (requiredType != null && !typeMatches(jws.getType())) {
            throw new InvalidTokenException("token type (typ header) is " + quote(jws.getType()) + ", expected '" + requiredType
                    + "'; present an access token, not an ID token or another kind of JWT");
        }
        return jws;
    }

    /** RFC 9068 allows the media type with or without its {@code application/} prefix, in any case. */
    private boolean typeMatches(JOSEObjectType actual) {
        if (actual == null) {
            return false;
        }
        String expected = requiredType.getType().toLowerCase(Locale.ROOT);
        String given = actual.getType().toLowerCase(Locale.ROOT);
        return given.equals(expected) || given.equals("application/" + expected) || ("application/" + given).equals(expected);
    }

    private KeySet trustedKeys(String issuer) throws InvalidTokenException {
        if (issuer == null) {
            throw new InvalidTokenException("token has no iss claim; expected one of " + Messages.list(issuers.keySet()));
        }
        KeySet keys = issuers.get(issuer);
        if (keys == null) {
            throw new InvalidTokenException("token issuer " + quote(issuer) + " is not trusted; expected one of "
                    + Messages.list(issuers.keySet()) + " (governed.issuer)");
        }
        return keys;
    }

    private List<String> algorithmNames() {
        return algorithms.stream().map(JWSAlgorithm::getName).toList();
    }

    /**
     * Configures a {@link JwtTokenVerifier}. Required: at least one issuer, an audience, and keys for every
     * issuer (a shared {@link #jwks(String)}, a per-issuer location, or OIDC discovery from an https issuer).
     */
    public static final class Builder {
        private final Map<String, String> issuerJwks = new LinkedHashMap<>();
        private final Map<String, KeySet> issuerKeySets = new LinkedHashMap<>();
        private String jwks;
        private final Set<String> audiences = new LinkedHashSet<>();
        private Set<String> algorithms = DEFAULT_ALGORITHMS;
        private Duration clockSkew = DEFAULT_CLOCK_SKEW;
        private String requiredType;
        private List<String> groupClaims = DEFAULT_GROUP_CLAIMS;
        private int maxDelegationDepth = DEFAULT_MAX_DELEGATION_DEPTH;
        private Duration jwksCacheTtl = Duration.ofMinutes(5);
        private Duration jwksMinRefreshInterval = Duration.ofSeconds(30);
        private Duration jwksOutageTolerance = Duration.ofHours(6);
        private Duration jwksHttpTimeout = Duration.ofSeconds(2);
        private boolean allowPlainHttp;
        private Clock clock = Clock.systemUTC();

        private Builder() {}

        /** A trusted issuer whose keys come from {@link #jwks(String)}, or from OIDC discovery if that is unset. */
        public Builder issuer(String issuer) {
            issuerJwks.putIfAbsent(requireText(issuer, "issuer"), null);
            return this;
        }

        /** Several trusted issuers, e.g. the comma-separated {@code governed.issuer} split. */
        public Builder issuers(Collection<String> issuers) {
            issuers.forEach(this::issuer);
            return this;
        }

        /** A trusted issuer with its own JWKS location; its tokens verify only with those keys. */
        public Builder issuer(String issuer, String jwksLocation) {
            issuerJwks.put(requireText(issuer, "issuer"), requireText(jwksLocation, "JWKS location"));
            return this;
        }

        /** The JWKS for issuers without their own: {@code file:/path}, a plain path, or an {@code http(s)://} URL. */
        public Builder jwks(String location) {
            this.jwks = requireText(location, "JWKS location");
            return this;
        }

        /** Accepted audiences; a token's {@code aud} must contain at least one. */
        public Builder audience(String... audiences) {
            for (String each : audiences) {
                this.audiences.add(requireText(each, "audience"));
            }
            return this;
        }

        /** The allow-list of JWS algorithms, e.g. {@code "RS256", "PS256", "ES384", "EdDSA"}. */
        public Builder algorithms(String... names) {
            Set<String> result = new LinkedHashSet<>();
            for (String each : names) {
                JWSAlgorithm algorithm = JWSAlgorithm.parse(requireText(each, "algorithm").trim());
                if (JWSAlgorithm.Family.HMAC_SHA.contains(algorithm) || "none".equalsIgnoreCase(algorithm.getName())) {
                    throw new IllegalArgumentException("algorithm " + algorithm + " cannot be allowed: unsigned and shared-secret "
                            + "tokens could be minted by anyone holding the secret; use RS256, PS256, ES256 or EdDSA");
                }
                if (!JWSAlgorithm.Family.SIGNATURE.contains(algorithm) && !JWSAlgorithm.Ed25519.equals(algorithm)) {
                    throw new IllegalArgumentException("algorithm " + quote(each) + " is not a known JWS signature algorithm; "
                            + "use e.g. RS256, PS256, ES256 or EdDSA");
                }
                result.add(algorithm.getName());
            }
            if (result.isEmpty()) {
                throw new IllegalArgumentException("at least one algorithm must be allowed");
            }
            this.algorithms = Set.copyOf(result);
            return this;
        }

        /** Tolerance for {@code nbf} and {@code iat} (not {@code exp}); default 30 s, at most 5 minutes. */
        public Builder clockSkew(Duration skew) {
            if (skew.isNegative() || skew.compareTo(Duration.ofMinutes(5)) > 0) {
                throw new IllegalArgumentException("clock skew must be between 0 and 5 minutes, was " + skew);
            }
            this.clockSkew = skew;
            return this;
        }

        /** Requires this JOSE {@code typ}, e.g. {@code at+jwt} for RFC 9068 access tokens. */
        public Builder requiredType(String type) {
            this.requiredType = requireText(type, "token type");
            return this;
        }

        /** Claims holding the caller's groups, as JSON arrays of strings; dotted names read nested objects. */
        public Builder groupClaims(String... names) {
            List<String> result = new ArrayList<>();
            for (String each : names) {
                result.add(requireText(each, "group claim"));
            }
            this.groupClaims = List.copyOf(result);
            return this;
        }

        /**
         * How many actors an RFC 8693 {@code act} chain may hold (default 5, at most 32); a token nesting
         * deeper is refused. Set it to the longest agent-to-agent hand-off your deployment expects.
         */
        public Builder maxDelegationDepth(int depth) {
            if (depth < 1 || depth > ActClaim.MAX_DEPTH_LIMIT) {
                throw new IllegalArgumentException(MAX_DELEGATION_DEPTH_SETTING + " must be a whole number from 1 to "
                        + ActClaim.MAX_DEPTH_LIMIT + ", was " + depth);
            }
            this.maxDelegationDepth = depth;
            return this;
        }

        /** How long a fetched remote JWKS is used before it is fetched again (default 5 minutes). */
        public Builder jwksCacheTtl(Duration ttl) {
            this.jwksCacheTtl = ttl;
            return this;
        }

        /** The least time between two fetches of a remote JWKS, e.g. for unknown key ids (default 30 s). */
        public Builder jwksMinRefreshInterval(Duration interval) {
            this.jwksMinRefreshInterval = interval;
            return this;
        }

        /** How long the last good remote JWKS keeps being used while its origin is down (default 6 h). */
        public Builder jwksOutageTolerance(Duration tolerance) {
            this.jwksOutageTolerance = tolerance;
            return this;
        }

        /** Connect and read timeout for JWKS and discovery requests (default 2 s). */
        public Builder jwksHttpTimeout(Duration timeout) {
            this.jwksHttpTimeout = timeout;
            return this;
        }

        /** Permits {@code http://} JWKS and discovery URLs to non-loopback hosts; for test setups only. */
        public Builder allowPlainHttp(boolean allow) {
            this.allowPlainHttp = allow;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Test seam: an issuer with an arbitrary key source. */
        Builder issuer(String issuer, JWKSource<SecurityContext> keys, String location) {
            issuerKeySets.put(requireText(issuer, "issuer"), new KeySet(keys, location));
            return this;
        }

        /**
         * Builds the verifier. A JWKS file is read now, so a missing or malformed file fails here; remote
         * keys and discovery are fetched on first use.
         *
         * @throws IllegalArgumentException when the configuration is incomplete or a JWKS file is unusable
         */
        public JwtTokenVerifier build() {
            if (issuerJwks.isEmpty() && issuerKeySets.isEmpty()) {
                throw new IllegalArgumentException("no trusted issuer configured; set governed.issuer to the identity provider's "
                        + "issuer URL (the iss of its tokens)");
            }
            if (audiences.isEmpty()) {
                throw new IllegalArgumentException("no audience configured; set governed.audience to the aud value tokens for this "
                        + "service carry");
            }
            if (jwksCacheTtl.compareTo(jwksMinRefreshInterval) <= 0) {
                throw new IllegalArgumentException("the JWKS cache lifetime (" + jwksCacheTtl + ") must be longer than the minimum "
                        + "refresh interval (" + jwksMinRefreshInterval + ")");
            }
            JwksLocations.Tuning tuning = new JwksLocations.Tuning(
                    jwksCacheTtl, jwksMinRefreshInterval, jwksOutageTolerance, jwksHttpTimeout, allowPlainHttp);
            Map<String, KeySet> opened = new LinkedHashMap<>();
            KeySet shared = jwks == null ? null : JwksLocations.open(jwks, tuning);
            issuerJwks.forEach((issuer, location) -> {
                if (location != null) {
                    opened.put(issuer, JwksLocations.open(location, tuning));
                } else if (shared != null) {
                    opened.put(issuer, shared);
                } else if (JwksLocations.isHttp(issuer)) {
                    opened.put(issuer, JwksLocations.discover(issuer, tuning));
                } else {
                    throw new IllegalArgumentException("issuer " + quote(issuer) + " has no keys: set governed.jwks to its JWKS "
                            + "location, or use its https:// issuer URL so the keys can be found by OIDC discovery");
                }
            });
            opened.putAll(issuerKeySets);
            return new JwtTokenVerifier(this, opened);
        }

        private static String requireText(String value, String what) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException(what + " must not be blank");
            }
            return value.trim();
        }
    }
}
