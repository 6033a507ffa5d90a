package dev.governed.core.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.opts.AllowWeakRSAKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.SignedJWT;
import dev.governed.testsupport.TestIdentityProvider;
import dev.governed.testsupport.TestIdentityProvider.Algorithm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class JwtTokenVerifierTest {
    @TempDir
    static Path dir;

    static TestIdentityProvider idp;
    static Path jwksFile;
    static JwtTokenVerifier verifier;

    @BeforeAll
    static void setUp() throws Exception {
        idp = TestIdentityProvider.shared();
        jwksFile = idp.writeJwks(Files.createDirectories(dir.resolve("idp1")));
        verifier = JwtTokenVerifier.builder()
                .issuer(idp.issuer())
                .jwks("file:" + jwksFile)
                .audience(idp.audience())
                .build();
    }

    // ---- what is accepted ----

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void acceptsTokensSignedWithEachDefaultAlgorithm(Algorithm algorithm) throws Exception {
        Identity identity = verifier.verify(idp.token().algorithm(algorithm).subject("agent:" + algorithm).sign());

        assertThat(identity.subject()).isEqualTo("agent:" + algorithm);
    }

    @Test
    void mapsClaimsToIdentity() throws Exception {
        Instant exp = Instant.now().plus(Duration.ofMinutes(3)).truncatedTo(ChronoUnit.SECONDS);
        String token = idp.token().subject("agent:billing").groups("support-agents", "readers").jwtId("tok-42")
                .expiresAt(exp).sign();

        Identity identity = verifier.verify(token);

        assertThat(identity.subject()).isEqualTo("agent:billing");
        assertThat(identity.groups()).containsExactlyInAnyOrder("support-agents", "readers");
        assertThat(identity.issuer()).isEqualTo(idp.issuer());
        assertThat(identity.tokenId()).isEqualTo("tok-42");
        assertThat(identity.expiresAt()).isEqualTo(exp);
        assertThat(identity.onBehalfOf()).isNull();
        assertThat(identity.caller().groups()).contains("support-agents");
    }

    @Test
    void actClaimMakesTheActorTheSubjectAndTheTokenSubjectWhomItActsFor() throws Exception {
        Identity identity = verifier.verify(idp.token().subject("alice").actor("agent:billing").sign());

        assertThat(identity.subject()).isEqualTo("agent:billing");
        assertThat(identity.onBehalfOf()).isEqualTo("alice");
    }

    @Test
    void actClaimWithoutSubjectIsRefused() {
        String token = idp.token().claim("act", Map.of("client_id", "x")).sign();

        assertRefused(token).hasMessageContaining("token claim act has no sub");
    }

    @Test
    void tokenWithoutGroupsHasNoGroups() throws Exception {
        assertThat(verifier.verify(idp.token().sign()).groups()).isEmpty();
    }

    @Test
    void groupsCanComeFromSeveralAndNestedClaims() throws Exception {
        JwtTokenVerifier keycloakStyle = JwtTokenVerifier.builder().issuer(idp.issuer()).jwks(jwksFile.toString())
                .audience(idp.audience()).groupClaims("groups", "realm_access.roles").build();
        String token = idp.token().groups("support-agents")
                .claim("realm_access", Map.of("roles", List.of("dba"))).sign();

        assertThat(keycloakStyle.verify(token).groups()).containsExactlyInAnyOrder("support-agents", "dba");
    }

    @Test
    void groupsClaimThatIsNotAnArrayIsRefused() {
        String token = idp.token().claim("groups", "support-agents admins").sign();

        assertRefused(token).hasMessageContaining("claim 'groups' is a string, not a JSON array of strings");
    }

    @Test
    void groupsArrayWithNonStringsIsRefused() {
        String token = idp.token().claim("groups", List.of("ok", 7)).sign();

        assertRefused(token).hasMessageContaining("contains a number");
    }

    @Test
    void notBeforeWithinClockSkewIsAccepted() throws Exception {
        String token = idp.token().notBefore(Instant.now().plusSeconds(10)).sign();

        assertThat(verifier.verify(token).subject()).isEqualTo("agent:test");
    }

    @Test
    void clockSkewIsConfigurable() {
        JwtTokenVerifier strict = JwtTokenVerifier.builder().issuer(idp.issuer()).jwks(jwksFile.toString())
                .audience(idp.audience()).clockSkew(Duration.ZERO).build();

        assertThatThrownBy(() -> strict.verify(idp.token().notBefore(Instant.now().plusSeconds(10)).sign()))
                .hasMessageContaining("allowed clock skew 0s");
    }

    @Test
    void expiryIsExactEvenWithinTheClockSkew() {
        assertRefused(idp.token().issuedAt(Instant.now().minusSeconds(60)).expiresAt(Instant.now().minusSeconds(5)).sign())
                .hasMessageContaining("token expired at");
    }

    @Test
    void builderFromSettingsReadsIssuersJwksAndAudiences() throws Exception {
        Map<String, String> settings = Map.of("governed.issuer", "https://other.test, " + idp.issuer(),
                "governed.jwks", "file:" + jwksFile, "governed.audience", "x," + idp.audience());

        JwtTokenVerifier configured = JwtTokenVerifier.builder(settings::get).build();

        assertThat(configured.verify(idp.token().sign()).issuer()).isEqualTo(idp.issuer());
        assertThat(configured.verify(idp.token().issuer("https://other.test").audience("x").sign())).isNotNull();
    }

    @Test
    void acceptsAnyOfSeveralAudiences() throws Exception {
        JwtTokenVerifier twoAudiences = JwtTokenVerifier.builder().issuer(idp.issuer()).jwks(jwksFile.toString())
                .audience("orders-db", idp.audience()).build();

        assertThat(twoAudiences.verify(idp.token().audience("other", idp.audience()).sign())).isNotNull();
    }

    // ---- attacks: each would pass if its check were removed ----

    @Test
    void refusesUnsignedToken() {
        assertRefused(idp.attack().unsigned()).hasMessageContaining("unsigned (alg none)");
    }

    @Test
    void refusesUnsignedTokenWhateverTheCaseOfNone() {
        assertRefused(idp.attack().unsignedWithAlgorithm("None")).hasMessageContaining("'None' is not allowed");
        assertRefused(idp.attack().unsignedWithAlgorithm("NONE")).hasMessageContaining("'NONE' is not allowed");
    }

    @Test
    void refusesTokenSignedWithAKeyItCarriesInItsHeader() {
        assertRefused(idp.attack().embeddedKey()).hasMessageContaining("token signature does not verify with key 'rsa-1'");
    }

    @Test
    void refusesHs256SignedWithTheRsaPublicKey() {
        assertRefused(idp.attack().hmacWithRsaPublicKey())
                .hasMessageContaining("signed with HS256, a shared-secret algorithm that Governed never accepts");
    }

    @Test
    void refusesExpiredToken() {
        assertRefused(idp.attack().expired()).hasMessageMatching("token expired at \\d{4}-.*Z \\(now .*\\); obtain a fresh token");
    }

    @Test
    void refusesTokenFromUntrustedIssuer() {
        assertRefused(idp.attack().wrongIssuer())
                .hasMessage("token issuer 'https://evil.example' is not trusted; expected one of " + idp.issuer() + " (governed.issuer)");
    }

    @Test
    void refusesTokenForAnotherAudience() {
        assertRefused(idp.attack().wrongAudience())
                .hasMessageContaining("token audience 'some-other-service' does not include " + idp.audience());
    }

    @Test
    void refusesTokenSignedByAnUnknownKey() {
        assertRefused(idp.attack().unknownKey())
                .hasMessageContaining("token signed with unknown key id 'stranger-1'")
                .hasMessageContaining("has ec-1, ed-1, rsa-1");
    }

    @Test
    void refusesTokenSignedByAnotherKeyUnderAKnownKeyId() {
        assertRefused(idp.attack().forgedWithKnownKeyId())
                .hasMessageContaining("token signature does not verify with key 'rsa-1'");
    }

    @Test
    void refusesTamperedPayload() {
        assertRefused(idp.attack().tampered()).hasMessageContaining("token signature does not verify");
    }

    @Test
    void refusesTokenWithoutExpiry() {
        assertRefused(idp.attack().missingExpiry()).hasMessageContaining("token has no exp claim");
    }

    @Test
    void refusesTokenNotYetValidBeyondClockSkew() {
        assertRefused(idp.attack().notYetValid(Duration.ofMinutes(2)))
                .hasMessageContaining("token is not valid before")
                .hasMessageContaining("allowed clock skew 30s");
    }

    @Test
    void refusesTokenIssuedInTheFuture() {
        assertRefused(idp.token().issuedAt(Instant.now().plus(Duration.ofMinutes(2))).sign())
                .hasMessageContaining("issued at");
    }

    @Test
    void refusesTokenWithoutSubject() {
        assertRefused(idp.token().subject(null).sign()).hasMessageContaining("token has no sub claim");
    }

    @Test
    void refusesTokenWithoutAudience() {
        assertRefused(idp.token().audience().sign()).hasMessageContaining("token has no aud claim");
    }

    @Test
    void refusesTokenWithoutIssuer() {
        assertRefused(idp.token().issuer(null).sign()).hasMessageContaining("token has no iss claim");
    }

    @Test
    void refusesTokenSignedWithAWeakRsaKeyEvenWhenPublished() throws Exception {
        RSAKey weak = new RSAKeyGenerator(1024, true).keyID("weak-1").generate();
        Path weakJwks = Files.writeString(dir.resolve("weak.json"), new JWKSet(weak).toString(true));
        JwtTokenVerifier trustsWeakKey = JwtTokenVerifier.builder().issuer(idp.issuer()).jwks(weakJwks.toString())
                .audience(idp.audience()).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("weak-1").build(), idp.token().claims());
        jwt.sign(new RSASSASigner(weak.toPrivateKey(), Set.of(AllowWeakRSAKey.getInstance())));

        assertThatThrownBy(() -> trustsWeakKey.verify(jwt.serialize()))
                .isInstanceOf(InvalidTokenException.class)
                .hasMessageContaining("names key 'weak-1'")
                .hasMessageContaining("RSA keys need at least 2048 bits");
    }

    @Test
    void refusesKeyIdOfAnotherKeyType() {
        String token = idp.token().algorithm(Algorithm.ES256).keyId("rsa-1").sign();

        assertRefused(token).hasMessageContaining("names key 'rsa-1', a RSA key").hasMessageContaining("cannot verify a ES256");
    }

    @Test
    void refusesAlgorithmNotOnTheAllowList() throws Exception {
        JwtTokenVerifier rsaOnly = JwtTokenVerifier.builder().issuer(idp.issuer()).jwks(jwksFile.toString())
                .audience(idp.audience()).algorithms("RS256").build();
        assertThat(rsaOnly.verify(idp.token().sign())).isNotNull();

        assertThatThrownBy(() -> rsaOnly.verify(idp.token().algorithm(Algorithm.EDDSA).sign()))
                .isInstanceOf(InvalidTokenException.class)
                .hasMessageContaining("token algorithm 'EdDSA' is not allowed; allowed: RS256");
    }

    @Test
    void refusesGarbage() {
        assertRefused("not-a-token").hasMessageContaining("token is not a JWT");
        assertRefused("").hasMessageContaining("no token was presented");
        assertRefused("e30.e30.").hasMessageContaining("token header is not valid JOSE JSON");
    }

    @Test
    void refusesOversizedTokenBeforeParsing() {
        assertRefused("x".repeat(JwtTokenVerifier.MAX_TOKEN_LENGTH + 1)).hasMessageContaining("over the limit");
    }

    @Test
    void messagesNeverContainTheToken() {
        for (String token : List.of(idp.attack().expired(), idp.attack().wrongAudience(), idp.attack().tampered(),
                idp.attack().unknownKey(), idp.attack().hmacWithRsaPublicKey(), idp.attack().unsigned())) {
            String signatureOrPayload = token.substring(token.indexOf('.') + 1);
            assertThatThrownBy(() -> verifier.verify(token)).message().doesNotContain(signatureOrPayload);
        }
    }

    // ---- token type ----

    @Test
    void requiredTypeAcceptsMatchingTypWithOrWithoutMediaTypePrefix() throws Exception {
        JwtTokenVerifier accessTokensOnly = typed();

        assertThat(accessTokensOnly.verify(idp.token().type("at+jwt").sign())).isNotNull();
        assertThat(accessTokensOnly.verify(idp.token().type("application/AT+JWT").sign())).isNotNull();
    }

    @Test
    void requiredTypeRefusesOtherOrMissingTyp() {
        JwtTokenVerifier accessTokensOnly = typed();

        assertThatThrownBy(() -> accessTokensOnly.verify(idp.token().type("JWT").sign()))
                .hasMessageContaining("token type (typ header) is 'JWT', expected 'at+jwt'");
        assertThatThrownBy(() -> accessTokensOnly.verify(idp.token().sign()))
                .hasMessageContaining("token type (typ header) is (none)");
    }

    private static JwtTokenVerifier typed() {
        return JwtTokenVerifier.builder().issuer(idp.issuer()).jwks(jwksFile.toString()).audience(idp.audience())
                .requiredType("at+jwt").build();
    }

    // ---- several issuers ----

    @Test
    void trustsSeveralIssuersEachWithItsOwnKeys() throws Exception {
        try (TestIdentityProvider other = new TestIdentityProvider("https://other-idp.test", idp.audience())) {
            Path otherJwks = other.writeJwks(Files.createDirectories(dir.resolve("idp2")));
            JwtTokenVerifier both = JwtTokenVerifier.builder()
                    .issuer(idp.issuer(), jwksFile.toString())
                    .issuer(other.issuer(), "file:" + otherJwks)
                    .audience(idp.audience())
                    .build();

            assertThat(both.verify(idp.token().sign()).issuer()).isEqualTo(idp.issuer());
            assertThat(both.verify(other.token().algorithm(Algorithm.ES256).sign()).issuer()).isEqualTo(other.issuer());
            // A trusted provider must not mint tokens in the other's name (same kid names, different keys).
            assertThatThrownBy(() -> both.verify(other.token().issuer(idp.issuer()).sign()))
                    .isInstanceOf(InvalidTokenException.class)
                    .hasMessageContaining("token signature does not verify with key 'rsa-1'");
        }
    }

    @Test
    void sharedJwksServesSeveralIssuers() throws Exception {
        JwtTokenVerifier shared = JwtTokenVerifier.builder().issuers(List.of(idp.issuer(), "https://second.test"))
                .jwks(jwksFile.toString()).audience(idp.audience()).build();

        assertThat(shared.verify(idp.token().issuer("https://second.test").sign()).issuer()).isEqualTo("https://second.test");
    }

    // ---- configuration errors ----

    @Test
    void missingJwksFileFailsAtBuildTime() {
        assertThatThrownBy(() -> JwtTokenVerifier.builder().issuer(idp.issuer()).audience("a")
                .jwks("file:" + dir.resolve("nope.json")).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nope.json does not exist");
    }

    @Test
    void malformedJwksFileFailsAtBuildTime() throws Exception {
        Path broken = Files.writeString(dir.resolve("broken.json"), "{\"keys\": 42}");

        assertThatThrownBy(() -> JwtTokenVerifier.builder().issuer(idp.issuer()).audience("a").jwks(broken.toString()).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot be read as a JSON Web Key Set");
    }

    @Test
    void hmacAndNoneCannotBeAllowed() {
        assertThatThrownBy(() -> JwtTokenVerifier.builder().algorithms("RS256", "HS256"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("HS256 cannot be allowed");
        assertThatThrownBy(() -> JwtTokenVerifier.builder().algorithms("none"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot be allowed");
    }

    @Test
    void issuerAndAudienceAreRequired() {
        assertThatThrownBy(() -> JwtTokenVerifier.builder().jwks(jwksFile.toString()).audience("a").build())
                .hasMessageContaining("no trusted issuer configured");
        assertThatThrownBy(() -> JwtTokenVerifier.builder().jwks(jwksFile.toString()).issuer(idp.issuer()).build())
                .hasMessageContaining("no audience configured");
    }

    @Test
    void issuerWithoutKeysThatCannotBeDiscoveredFailsAtBuildTime() {
        assertThatThrownBy(() -> JwtTokenVerifier.builder().issuer("corp-idp").audience("a").build())
                .hasMessageContaining("issuer 'corp-idp' has no keys");
    }

    @Test
    void plainHttpJwksToARemoteHostIsRefused() {
        assertThatThrownBy(() -> JwtTokenVerifier.builder().issuer(idp.issuer()).audience("a")
                .jwks("http://idp.example.com/jwks.json").build())
                .hasMessageContaining("uses plain http to a non-loopback host");
    }

    // ---- key rotation through the file ----

    @Test
    void rotatedKeyInRewrittenJwksFileIsAcceptedWithoutRestart() throws Exception {
        try (TestIdentityProvider rotating = new TestIdentityProvider()) {
            Path file = rotating.writeJwks(Files.createDirectories(dir.resolve("rotating")));
            JwtTokenVerifier fileVerifier = JwtTokenVerifier.builder().issuer(rotating.issuer()).jwks(file.toString())
                    .audience(rotating.audience()).build();
            assertThat(fileVerifier.verify(rotating.token().sign())).isNotNull();

            String newKid = rotating.rotateRsaKey();
            String rotated = rotating.token().sign();
            assertThatThrownBy(() -> fileVerifier.verify(rotated)).hasMessageContaining("unknown key id '" + newKid + "'");

            rotating.writeJwks(file.getParent());
            assertThat(fileVerifier.verify(rotated).subject()).isEqualTo("agent:test");
        }
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> assertRefused(String token) {
        return assertThatThrownBy(() -> verifier.verify(token)).isInstanceOf(InvalidTokenException.class);
    }
}
