package dev.governed.core.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import dev.governed.testsupport.TestIdentityProvider;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class IdentityResolverTest {
    final TestIdentityProvider idp = TestIdentityProvider.shared();
    MutableClock clock;
    TokenVerifier verifier;

    @BeforeEach
    void verifier() throws Exception {
        clock = new MutableClock(Instant.now());
        JwtTokenVerifier jwt = JwtTokenVerifier.builder()
                .issuer(idp.issuer(), new ImmutableJWKSet<>(JWKSet.parse(idp.jwksJson())), "test keys")
                .audience(idp.audience()).clock(clock).build();
        verifier = CachingTokenVerifier.builder(jwt).clock(clock).build();
    }

    @Test
    void resolvesTheConfiguredToken() throws Exception {
        IdentityResolver resolver = resolver(idp.token().subject("agent:config").sign());

        assertThat(resolver.resolve().subject()).isEqualTo("agent:config");
    }

    @Test
    void scopedTokenActsForTheCallerOfTheMoment() throws Exception {
        IdentityResolver resolver = resolver(idp.token().subject("agent:config").sign());
        String alice = idp.token().subject("agent:alice").sign();

        Identity inside = ScopedToken.call(alice, resolver::resolve);

        assertThat(inside.subject()).isEqualTo("agent:alice");
        assertThat(resolver.resolve().subject()).isEqualTo("agent:config");
    }

    @Test
    void tokenThatExpiresAfterVerificationIsRefusedOnTheNextStatement() throws Exception {
        IdentityResolver resolver = resolver(idp.token().expiresIn(Duration.ofMinutes(1)).sign());
        resolver.resolve();

        clock.advance(Duration.ofMinutes(2));

        assertThatThrownBy(resolver::resolve).isInstanceOf(InvalidTokenException.class).hasMessageContaining("token expired at");
    }

    @Test
    void expiryIsCheckedEvenWhenTheVerifierHandsBackAStaleIdentity() {
        Identity stale = new Identity("agent:x", java.util.Set.of(), idp.issuer(), null, null, clock.instant().minusSeconds(1));
        IdentityResolver resolver = new IdentityResolver(TokenSource.fixed("t", "test"), token -> stale, clock);

        assertThatThrownBy(resolver::resolve).hasMessageContaining("token expired at");
    }

    @Test
    void missingTokenSaysWhereItLooked() {
        IdentityResolver resolver = new IdentityResolver(
                TokenSource.standard(new Properties(), new Properties(), Map.of()), verifier, clock);

        assertThatThrownBy(resolver::resolve)
                .isInstanceOf(InvalidTokenException.class)
                .hasMessageContaining("no token for this call; looked in the scoped token (Governed.runAs)")
                .hasMessageContaining("environment variable GOVERNED_TOKEN");
    }

    private IdentityResolver resolver(String configuredToken) {
        Properties properties = new Properties();
        properties.setProperty("governed.token", configuredToken);
        return new IdentityResolver(TokenSource.standard(properties, new Properties(), Map.of()), verifier, clock);
    }
}
