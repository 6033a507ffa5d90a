package dev.governed.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import dev.governed.testsupport.TestIdentityProvider.Algorithm;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestIdentityProviderTest {
    @TempDir
    Path dir;

    @Test
    void publishedJwksHoldsOnlyPublicKeys() throws Exception {
        TestIdentityProvider idp = TestIdentityProvider.shared();

        JWKSet published = JWKSet.parse(Files.readString(idp.writeJwks(dir)));

        assertThat(published.getKeys()).extracting(JWK::getKeyID).containsExactly("rsa-1", "ec-1", "ed-1");
        assertThat(published.getKeys()).noneMatch(JWK::isPrivate);
        assertThat(idp.jwksJson()).doesNotContain("\"d\"");
    }

    @Test
    void tokensAreSignedWithTheChosenAlgorithmAndKey() throws Exception {
        TestIdentityProvider idp = TestIdentityProvider.shared();

        SignedJWT jwt = SignedJWT.parse(idp.token().algorithm(Algorithm.EDDSA).subject("s").groups("g").actor("alice").sign());

        assertThat(jwt.getHeader().getAlgorithm().getName()).isEqualTo("EdDSA");
        assertThat(jwt.getHeader().getKeyID()).isEqualTo("ed-1");
        assertThat(jwt.getJWTClaimsSet().getSubject()).isEqualTo("s");
        assertThat(jwt.getJWTClaimsSet().getStringListClaim("groups")).containsExactly("g");
        assertThat(jwt.getJWTClaimsSet().getJSONObjectClaim("act")).containsEntry("sub", "alice");
        assertThat(jwt.getJWTClaimsSet().getAudience()).containsExactly(idp.audience());
    }

    @Test
    void servesJwksAndDiscoveryOnLoopbackAndCountsRequests() throws Exception {
        try (TestIdentityProvider idp = TestIdentityProvider.served()) {
            HttpClient http = HttpClient.newHttpClient();

            String discovery = get(http, idp.discoveryUri());
            String jwks = get(http, idp.jwksUri());

            assertThat(idp.issuer()).isEqualTo(idp.baseUri().toString());
            assertThat(discovery).contains("\"jwks_uri\":\"" + idp.jwksUri() + "\"");
            assertThat(JWKSet.parse(jwks).getKeys()).hasSize(3);
            assertThat(idp.discoveryRequestCount()).isEqualTo(1);
            assertThat(idp.jwksRequestCount()).isEqualTo(1);

            idp.unavailable(true);
            assertThat(http.send(HttpRequest.newBuilder(idp.jwksUri()).build(), HttpResponse.BodyHandlers.ofString())
                    .statusCode()).isEqualTo(503);
        }
    }

    @Test
    void rotationPublishesANewKeyAndSignsWithIt() throws Exception {
        TestIdentityProvider idp = new TestIdentityProvider();

        String kid = idp.rotateRsaKey();
        idp.retire("rsa-1");

        assertThat(kid).isEqualTo("rsa-2");
        assertThat(idp.publishedKeyIds()).containsExactly("ec-1", "ed-1", "rsa-2");
        assertThat(SignedJWT.parse(idp.token().sign()).getHeader().getKeyID()).isEqualTo("rsa-2");
    }

    private static String get(HttpClient http, URI uri) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }
}
