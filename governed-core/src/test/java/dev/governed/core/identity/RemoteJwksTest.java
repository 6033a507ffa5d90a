package dev.governed.core.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.governed.testsupport.TestIdentityProvider;
import dev.governed.testsupport.TestIdentityProvider.Algorithm;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Keys fetched over real loopback HTTP, as from an identity provider. One provider (key generation is slow); counts are deltas. */
class RemoteJwksTest {
    static TestIdentityProvider idp;
    int jwksBefore;
    int discoveryBefore;

    @BeforeAll
    static void start() {
        idp = TestIdentityProvider.served();
    }

    @AfterAll
    static void stop() {
        idp.close();
    }

    @BeforeEach
    void counts() {
        jwksBefore = idp.jwksRequestCount();
        discoveryBefore = idp.discoveryRequestCount();
    }

    @AfterEach
    void available() {
        idp.unavailable(false);
    }

    private int jwksRequests() {
        return idp.jwksRequestCount() - jwksBefore;
    }

    private int discoveryRequests() {
        return idp.discoveryRequestCount() - discoveryBefore;
    }

    @Test
    void verifiesWithKeysFetchedOnceOverHttp() throws Exception {
        JwtTokenVerifier verifier = remote().build();

        for (Algorithm each : Algorithm.values()) {
            assertThat(verifier.verify(idp.token().algorithm(each).sign()).subject()).isEqualTo("agent:test");
        }

        assertThat(jwksRequests()).isEqualTo(1);
    }

    @Test
    void rotatedKeyIsAcceptedAfterOneRefetch() throws Exception {
        JwtTokenVerifier verifier = remote().build();
        verifier.verify(idp.token().sign());
        assertThat(jwksRequests()).isEqualTo(1);

        String newKid = idp.rotateRsaKey();
        Identity identity = verifier.verify(idp.token().subject("after-rotation").sign());

        assertThat(newKid).isNotEqualTo("rsa-1");
        assertThat(identity.subject()).isEqualTo("after-rotation");
        assertThat(jwksRequests()).isEqualTo(2);
    }

    @Test
    void floodOfUnknownKeyIdsDoesNotFloodTheProvider() throws Exception {
        JwtTokenVerifier verifier = remote().build();
        verifier.verify(idp.token().sign());

        for (int i = 0; i < 20; i++) {
            assertThatThrownBy(() -> verifier.verify(idp.attack().unknownKey()))
                    .hasMessageContaining("unknown key id 'stranger-1'")
                    .hasMessageContaining(idp.jwksUri().toString());
        }

        assertThat(jwksRequests()).isLessThanOrEqualTo(3);
    }

    @Test
    void unreachableJwksRefusesWithATransientError() {
        idp.unavailable(true);
        JwtTokenVerifier verifier = remote().build();

        assertThatThrownBy(() -> verifier.verify(idp.token().sign()))
                .isInstanceOf(JwksUnavailableException.class)
                .hasMessageContaining("signing keys at " + idp.jwksUri() + " could not be loaded");
    }

    @Test
    void lastGoodKeysAreUsedDuringAnOutage() throws Exception {
        JwtTokenVerifier verifier = remote().jwksCacheTtl(Duration.ofMillis(300)).jwksMinRefreshInterval(Duration.ofMillis(100))
                .build();
        verifier.verify(idp.token().sign());

        idp.unavailable(true);
        Thread.sleep(400);

        assertThat(verifier.verify(idp.token().subject("during-outage").sign()).subject()).isEqualTo("during-outage");
        assertThat(jwksRequests()).isGreaterThan(1);
    }

    @Test
    void discoversKeysFromTheIssuer() throws Exception {
        JwtTokenVerifier verifier = JwtTokenVerifier.builder().issuer(idp.issuer()).audience(idp.audience()).build();
        assertThat(discoveryRequests()).isZero();

        assertThat(verifier.verify(idp.token().sign()).issuer()).isEqualTo(idp.issuer());
        assertThat(verifier.verify(idp.token().algorithm(Algorithm.EDDSA).sign())).isNotNull();

        assertThat(discoveryRequests()).isEqualTo(1);
        assertThat(jwksRequests()).isEqualTo(1);
    }

    @Test
    void discoveryDocumentForAnotherIssuerIsRefused() {
        String lookalike = idp.issuer() + "/";
        JwtTokenVerifier verifier = JwtTokenVerifier.builder().issuer(lookalike).audience(idp.audience()).build();

        assertThatThrownBy(() -> verifier.verify(idp.token().issuer(lookalike).sign()))
                .isInstanceOf(JwksUnavailableException.class)
                .hasMessageContaining("names issuer '" + idp.issuer() + "', not '" + lookalike + "'");
    }

    @Test
    void discoveryFailureIsRetriedLater() throws Exception {
        idp.unavailable(true);
        JwtTokenVerifier verifier = JwtTokenVerifier.builder().issuer(idp.issuer()).audience(idp.audience())
                .jwksCacheTtl(Duration.ofSeconds(1)).jwksMinRefreshInterval(Duration.ofMillis(100)).build();
        assertThatThrownBy(() -> verifier.verify(idp.token().sign()))
                .isInstanceOf(JwksUnavailableException.class)
                .hasMessageContaining("OIDC discovery at " + idp.discoveryUri());
        assertThatThrownBy(() -> verifier.verify(idp.token().sign())).hasMessageContaining("not retried yet");

        idp.unavailable(false);
        Thread.sleep(150);

        assertThat(verifier.verify(idp.token().sign())).isNotNull();
    }

    private JwtTokenVerifier.Builder remote() {
        return JwtTokenVerifier.builder().issuer(idp.issuer()).jwks(idp.jwksUri().toString()).audience(idp.audience());
    }
}
