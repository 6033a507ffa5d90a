package dev.governed.testsupport;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.Ed25519Signer;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.OctetKeyPairGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A throw-away identity provider for tests: real RSA-2048, EC P-256 and Ed25519 keys, a public JWKS
 * (as a file or served on loopback HTTP with OIDC discovery), well-formed tokens and the attack tokens
 * every verifier must refuse. One place so every module's tests mint tokens the same way.
 *
 * <pre>{@code
 * var idp = new TestIdentityProvider();
 * Path jwks = idp.writeJwks(tempDir);
 * String token = idp.token().subject("agent:billing").groups("support-agents").sign();
 * String forged = idp.attack().unsigned();
 * }</pre>
 */
public final class TestIdentityProvider implements AutoCloseable {

    /** The signing algorithms the provider can mint with; each has its own published key. */
    public enum Algorithm {
        RS256,
        ES256,
        EDDSA
    }

    public static final String DEFAULT_ISSUER = "https://idp.governed.test";
    public static final String DEFAULT_AUDIENCE = "governed-test";
    public static final String JWKS_PATH = "/jwks.json";
    public static final String DISCOVERY_PATH = "/.well-known/openid-configuration";

    private final String issuer;
    private final String audience;
    private final List<JWK> published = new CopyOnWriteArrayList<>();
    private final AtomicInteger rsaGeneration = new AtomicInteger(1);
    private volatile RSAKey rsa;
    private volatile ECKey ec;
    private volatile OctetKeyPair ed;
    private volatile RSAKey stranger;

    private final HttpServer server;
    private final AtomicInteger jwksRequests = new AtomicInteger();
    private final AtomicInteger discoveryRequests = new AtomicInteger();
    private volatile boolean unavailable;

    /** Key generation is the slow part (RSA-2048), so tests that only mint tokens share one provider. */
    private static final class Shared {
        static final TestIdentityProvider INSTANCE = new TestIdentityProvider();
    }

    /**
     * One provider per JVM with the default issuer and audience, for tests that only mint and verify
     * tokens. Do not rotate, retire or otherwise change it; create your own provider for that.
     */
    public static TestIdentityProvider shared() {
        return Shared.INSTANCE;
    }

    /** A provider with issuer {@value #DEFAULT_ISSUER} and audience {@value #DEFAULT_AUDIENCE}, not serving. */
    public TestIdentityProvider() {
        this(DEFAULT_ISSUER, DEFAULT_AUDIENCE);
    }

    public TestIdentityProvider(String issuer, String audience) {
        this(issuer, audience, null);
    }

    private TestIdentityProvider(String issuer, String audience, HttpServer server) {
        this.issuer = issuer;
        this.audience = audience;
        this.server = server;
        this.rsa = generateRsa("rsa-1");
        this.ec = generate(() -> new ECKeyGenerator(Curve.P_256).keyID("ec-1").keyUse(KeyUse.SIGNATURE)
                .algorithm(JWSAlgorithm.ES256).generate());
        this.ed = generate(() -> new OctetKeyPairGenerator(Curve.Ed25519).keyID("ed-1").keyUse(KeyUse.SIGNATURE)
                .algorithm(JWSAlgorithm.EdDSA).generate());
        published.add(rsa);
        published.add(ec);
        published.add(ed);
        if (server != null) {
            server.createContext(JWKS_PATH, exchange -> respond(exchange, jwksRequests, this::jwksJson));
            server.createContext(DISCOVERY_PATH, exchange -> respond(exchange, discoveryRequests, this::discoveryJson));
            server.start();
        }
    }

    /**
     * A provider already serving its JWKS and discovery document on a loopback port; its issuer is the
     * server's base URL (e.g. {@code http://127.0.0.1:41234}) so OIDC discovery works from the issuer alone.
     */
    public static TestIdentityProvider served() {
        return served(DEFAULT_AUDIENCE);
    }

    public static TestIdentityProvider served(String audience) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            String base = "http://" + server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort();
            return new TestIdentityProvider(base, audience, server);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind a loopback port for the test identity provider", e);
        }
    }

    public String issuer() {
        return issuer;
    }

    public String audience() {
        return audience;
    }

    /** The key id the provider currently signs with for {@code algorithm}. */
    public String keyId(Algorithm algorithm) {
        return signingKey(algorithm).getKeyID();
    }

    /** The key ids in the published JWKS, in order. */
    public List<String> publishedKeyIds() {
        return published.stream().map(JWK::getKeyID).toList();
    }

    /** The published JWKS: public keys only. */
    public String jwksJson() {
        return new JWKSet(List.copyOf(published)).toString(true);
    }

    /** Writes the public JWKS to {@code dir/jwks.json} (overwriting) and returns that path. */
    public Path writeJwks(Path dir) {
        Path file = dir.resolve("jwks.json");
        try {
            Files.writeString(file, jwksJson());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /**
     * Rotates the RSA key: a fresh key with a new kid ({@code rsa-2}, {@code rsa-3}, …) is published and
     * used for RS256 from now on; the old key stays published until {@link #retire(String)}.
     */
    public String rotateRsaKey() {
        RSAKey next = generateRsa("rsa-" + rsaGeneration.incrementAndGet());
        published.add(next);
        rsa = next;
        return next.getKeyID();
    }

    /** Removes a key from the published JWKS (tokens it signed stop verifying once verifiers refetch). */
    public void retire(String keyId) {
        published.removeIf(each -> each.getKeyID().equals(keyId));
    }

    // ---- loopback HTTP ----

    /** The base URL of the loopback server; only for {@link #served()} providers. */
    public URI baseUri() {
        requireServer();
        return URI.create("http://" + server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort());
    }

    public URI jwksUri() {
        return baseUri().resolve(JWKS_PATH);
    }

    public URI discoveryUri() {
        return baseUri().resolve(DISCOVERY_PATH);
    }

    public int jwksRequestCount() {
        return jwksRequests.get();
    }

    public int discoveryRequestCount() {
        return discoveryRequests.get();
    }

    /** Makes the server answer 503 to everything (an IdP outage) until called with {@code false}. */
    public void unavailable(boolean unavailable) {
        this.unavailable = unavailable;
    }

    @Override
    public void close() {
        if (server != null) {
            server.stop(0);
        }
    }

    // ---- tokens ----

    /** A builder for a valid token: RS256, this issuer and audience, subject {@code agent:test}, 5 minutes. */
    public TokenBuilder token() {
        return new TokenBuilder();
    }

    /** Tokens that a correct verifier must reject, each with one thing wrong. */
    public Attacks attack() {
        return new Attacks();
    }

    /** Mints one token; unset values fall back to a valid default. */
    public final class TokenBuilder {
        private String subject = "agent:test";
        private List<String> groups = List.of();
        private String tokenIssuer = issuer;
        private List<String> audiences = List.of(audience);
        private Instant issuedAt = Instant.now();
        private Instant expiresAt = issuedAt.plus(Duration.ofMinutes(5));
        private Instant notBefore;
        private String jwtId = UUID.randomUUID().toString();
        private List<String> actors = List.of();
        private String type;
        private Algorithm algorithm = Algorithm.RS256;
        private String keyIdOverride;
        private final Map<String, Object> extra = new LinkedHashMap<>();

        private TokenBuilder() {}

        /** {@code null} leaves {@code sub} out. */
        public TokenBuilder subject(String subject) {
            this.subject = subject;
            return this;
        }

        public TokenBuilder groups(String... groups) {
            this.groups = List.of(groups);
            return this;
        }

        /** {@code null} leaves {@code iss} out. */
        public TokenBuilder issuer(String issuer) {
            this.tokenIssuer = issuer;
            return this;
        }

        /** No argument leaves {@code aud} out. */
        public TokenBuilder audience(String... audiences) {
            this.audiences = List.of(audiences);
            return this;
        }

        public TokenBuilder issuedAt(Instant issuedAt) {
            this.issuedAt = issuedAt;
            return this;
        }

        /** {@code null} leaves {@code exp} out. */
        public TokenBuilder expiresAt(Instant expiresAt) {
            this.expiresAt = expiresAt;
            return this;
        }

        public TokenBuilder expiresIn(Duration lifetime) {
            this.expiresAt = Instant.now().plus(lifetime);
            return this;
        }

        public TokenBuilder notBefore(Instant notBefore) {
            this.notBefore = notBefore;
            return this;
        }

        /** {@code null} leaves {@code jti} out. */
        public TokenBuilder jwtId(String jwtId) {
            this.jwtId = jwtId;
            return this;
        }

        /**
         * Adds an RFC 8693 {@code act} claim: {@code {"sub": actorSubject}}, the party acting on behalf of the
         * token's {@code sub}.
         */
        public TokenBuilder actor(String actorSubject) {
            return delegation(actorSubject);
        }

        /**
         * Adds a nested RFC 8693 {@code act} claim for a delegation chain, current actor first:
         * {@code delegation("agent:billing", "orchestrator")} gives
         * {@code {"sub":"agent:billing","act":{"sub":"orchestrator"}}}. No argument leaves {@code act} out.
         */
        public TokenBuilder delegation(String... actorsOutermostFirst) {
            this.actors = List.of(actorsOutermostFirst);
            return this;
        }

        /** The JOSE header {@code typ}, e.g. {@code at+jwt}. */
        public TokenBuilder type(String type) {
            this.type = type;
            return this;
        }

        public TokenBuilder algorithm(Algorithm algorithm) {
            this.algorithm = algorithm;
            return this;
        }

        /** Puts a different {@code kid} in the header than the signing key's. */
        public TokenBuilder keyId(String keyId) {
            this.keyIdOverride = keyId;
            return this;
        }

        /** Any other claim; a {@code null} value removes a claim set earlier. */
        public TokenBuilder claim(String name, Object value) {
            extra.put(name, value);
            return this;
        }

        public JWTClaimsSet claims() {
            JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                    .subject(subject)
                    .issuer(tokenIssuer)
                    .jwtID(jwtId)
                    .issueTime(date(issuedAt))
                    .expirationTime(date(expiresAt))
                    .notBeforeTime(date(notBefore));
            if (!audiences.isEmpty()) {
                claims.audience(audiences);
            }
            if (!groups.isEmpty()) {
                claims.claim("groups", groups);
            }
            if (!actors.isEmpty()) {
                claims.claim("act", act(actors));
            }
            extra.forEach(claims::claim);
            return claims.build();
        }

        private static Map<String, Object> act(List<String> chain) {
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("sub", chain.get(0));
            if (chain.size() > 1) {
                result.put("act", act(chain.subList(1, chain.size())));
            }
            return result;
        }

        /** The signed compact token. */
        public String sign() {
            JWK key = signingKey(algorithm);
            return signWith(key, keyIdOverride != null ? keyIdOverride : key.getKeyID());
        }

        private String signWith(JWK key, String kid) {
            JWSHeader.Builder header = new JWSHeader.Builder(jwsAlgorithm(key)).keyID(kid);
            if (type != null) {
                header.type(new JOSEObjectType(type));
            }
            SignedJWT jwt = new SignedJWT(header.build(), claims());
            return generate(() -> {
                jwt.sign(signer(key));
                return jwt.serialize();
            });
        }
    }

    /** Tokens that must be rejected; each differs from a valid token in one respect only. */
    public final class Attacks {
        private Attacks() {}

        public String expired() {
            return token().issuedAt(Instant.now().minus(Duration.ofHours(2)))
                    .expiresAt(Instant.now().minus(Duration.ofHours(1))).sign();
        }

        public String wrongIssuer() {
            return token().issuer("https://evil.example").sign();
        }

        public String wrongAudience() {
            return token().audience("some-other-service").sign();
        }

        /** {@code alg: none}, no signature. */
        public String unsigned() {
            return new PlainJWT(token().groups("admins").claims()).serialize();
        }

        /**
         * The classic key-confusion attack: HS256 with the RSA public key's X.509 encoding as the HMAC
         * secret and the RSA key's kid, hoping the verifier feeds "the key" to an HMAC check.
         */
        public String hmacWithRsaPublicKey() {
            RSAKey key = rsa;
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(key.getKeyID()).build(),
                    token().groups("admins").claims());
            return generate(() -> {
                jwt.sign(new MACSigner(key.toRSAPublicKey().getEncoded()));
                return jwt.serialize();
            });
        }

        /** Signed correctly, but by a key that is not in the published JWKS (kid {@code stranger-1}). */
        public String unknownKey() {
            return token().signWith(strangerKey(), strangerKey().getKeyID());
        }

        /** Signed by a key not in the JWKS while claiming the kid of a published one. */
        public String forgedWithKnownKeyId() {
            return token().signWith(strangerKey(), rsa.getKeyID());
        }

        /** A valid header and signature with another payload (more groups) swapped in. */
        public String tampered() {
            String[] parts = token().groups("support-agents").sign().split("\\.");
            String forgedPayload = Base64URL.encode(token().groups("admins").claims().toString()).toString();
            return parts[0] + "." + forgedPayload + "." + parts[2];
        }

        /**
         * CVE-2018-0114 style: the header carries its own key ({@code jwk}, no {@code kid}) and the token is
         * signed with it, hoping the verifier trusts keys the token brings along.
         */
        public String embeddedKey() {
            RSAKey own = strangerKey();
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).jwk(own.toPublicJWK()).build(),
                    token().groups("admins").claims());
            return generate(() -> {
                jwt.sign(new RSASSASigner(own));
                return jwt.serialize();
            });
        }

        /** An unsigned token whose header spells {@code alg} as given, e.g. {@code "None"} or {@code "NONE"}. */
        public String unsignedWithAlgorithm(String alg) {
            String header = Base64URL.encode(JSONObjectUtils.toJSONString(Map.of("alg", alg))).toString();
            String payload = Base64URL.encode(token().groups("admins").claims().toString()).toString();
            return header + "." + payload + ".";
        }

        public String missingExpiry() {
            return token().expiresAt(null).sign();
        }

        /** {@code nbf} this far in the future. */
        public String notYetValid(Duration ahead) {
            return token().notBefore(Instant.now().plus(ahead)).expiresIn(ahead.plus(Duration.ofMinutes(5))).sign();
        }
    }

    // ---- internals ----

    private JWK signingKey(Algorithm algorithm) {
        return switch (algorithm) {
            case RS256 -> rsa;
            case ES256 -> ec;
            case EDDSA -> ed;
        };
    }

    private synchronized RSAKey strangerKey() {
        if (stranger == null) {
            stranger = generateRsa("stranger-1");
        }
        return stranger;
    }

    private static JWSAlgorithm jwsAlgorithm(JWK key) {
        if (key instanceof RSAKey) {
            return JWSAlgorithm.RS256;
        }
        if (key instanceof ECKey) {
            return JWSAlgorithm.ES256;
        }
        return JWSAlgorithm.EdDSA;
    }

    private static JWSSigner signer(JWK key) throws JOSEException {
        if (key instanceof RSAKey rsaKey) {
            return new RSASSASigner(rsaKey);
        }
        if (key instanceof ECKey ecKey) {
            return new ECDSASigner(ecKey);
        }
        return new Ed25519Signer((OctetKeyPair) key);
    }

    private static RSAKey generateRsa(String kid) {
        return generate(() -> new RSAKeyGenerator(2048).keyID(kid).keyUse(KeyUse.SIGNATURE)
                .algorithm(JWSAlgorithm.RS256).generate());
    }

    private String discoveryJson() {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("issuer", issuer);
        document.put("jwks_uri", jwksUri().toString());
        document.put("id_token_signing_alg_values_supported", new ArrayList<>(List.of("RS256", "ES256", "EdDSA")));
        return JSONObjectUtils.toJSONString(document);
    }

    private void respond(HttpExchange exchange, AtomicInteger counter, Supplier<String> body) throws IOException {
        counter.incrementAndGet();
        try (exchange) {
            if (unavailable) {
                exchange.sendResponseHeaders(503, -1);
                return;
            }
            byte[] bytes = body.get().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    private void requireServer() {
        if (server == null) {
            throw new IllegalStateException("this provider does not serve HTTP; create it with TestIdentityProvider.served()");
        }
    }

    private static Date date(Instant instant) {
        return instant == null ? null : Date.from(instant);
    }

    private interface JoseAction<T> {
        T run() throws JOSEException;
    }

    private static <T> T generate(JoseAction<T> action) {
        try {
            return action.run();
        } catch (JOSEException e) {
            throw new IllegalStateException("test identity provider could not create a key or signature", e);
        }
    }
}
