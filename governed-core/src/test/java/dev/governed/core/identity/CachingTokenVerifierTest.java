package dev.governed.core.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import dev.governed.testsupport.TestIdentityProvider;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CachingTokenVerifierTest {
    static TestIdentityProvider idp;

    final AtomicInteger keyLookups = new AtomicInteger();
    final AtomicInteger verifications = new AtomicInteger();
    MutableClock clock;
    CachingTokenVerifier cached;

    @BeforeAll
    static void provider() {
        idp = TestIdentityProvider.shared();
    }

    @BeforeEach
    void verifier() throws Exception {
        clock = new MutableClock(Instant.now());
        JWKSet keys = JWKSet.parse(idp.jwksJson());
        JWKSource<SecurityContext> counting = (selector, context) -> {
            keyLookups.incrementAndGet();
            return selector.select(keys);
        };
        JwtTokenVerifier real = JwtTokenVerifier.builder().issuer(idp.issuer(), counting, "test keys")
                .audience(idp.audience()).clock(clock).build();
        TokenVerifier counted = token -> {
            verifications.incrementAndGet();
            return real.verify(token);
        };
        cached = CachingTokenVerifier.builder(counted).clock(clock).build();
    }

    @Test
    void secondVerificationOfTheSameTokenDoesNotVerifyAgain() throws Exception {
        String token = idp.token().groups("support-agents").sign();

        Identity first = cached.verify(token);
        Identity second = cached.verify(new String(token.toCharArray()));

        assertThat(second).isSameAs(first);
        assertThat(verifications).hasValue(1);
        assertThat(keyLookups).hasValue(1);
    }

    @Test
    void differentTokensAreVerifiedSeparately() throws Exception {
        cached.verify(idp.token().subject("a").sign());
        cached.verify(idp.token().subject("b").sign());

        assertThat(verifications).hasValue(2);
    }

    @Test
    void cachedIdentityPastItsExpiryIsRefusedAndReportedExpired() throws Exception {
        String token = idp.token().expiresIn(Duration.ofMinutes(5)).sign();
        Identity identity = cached.verify(token);
        assertThat(identity.isExpired(clock.instant())).isFalse();

        clock.advance(Duration.ofMinutes(6));

        assertThat(identity.isExpired(clock.instant())).isTrue();
        assertThatThrownBy(() -> cached.verify(token))
                .isInstanceOf(InvalidTokenException.class)
                .hasMessageContaining("token expired at");
        assertThat(verifications).hasValue(1);
    }

    @Test
    void refusedTokenIsRefusedAgainWithoutReverifying() {
        String forged = idp.attack().tampered();

        assertThatThrownBy(() -> cached.verify(forged)).hasMessageContaining("signature does not verify");
        assertThatThrownBy(() -> cached.verify(forged)).hasMessageContaining("signature does not verify");

        assertThat(verifications).hasValue(1);
    }

    @Test
    void refusalsAreForgottenAfterTheFailureTtl() {
        CachingTokenVerifier noMemory = CachingTokenVerifier.builder(token -> {
            verifications.incrementAndGet();
            throw new InvalidTokenException("bad");
        }).failureTtl(Duration.ZERO).build();

        assertThatThrownBy(() -> noMemory.verify("t")).hasMessage("bad");
        assertThatThrownBy(() -> noMemory.verify("t")).hasMessage("bad");

        assertThat(verifications).hasValue(2);
    }

    @Test
    void unavailableKeysAreNotRememberedAsARefusal() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        Identity identity = new Identity("agent:x", java.util.Set.of(), "iss", null, null, Instant.now().plusSeconds(60));
        CachingTokenVerifier flaky = CachingTokenVerifier.of(token -> {
            if (calls.incrementAndGet() == 1) {
                throw new JwksUnavailableException("keys down", new KeySourceException("down"));
            }
            return identity;
        });

        assertThatThrownBy(() -> flaky.verify("t")).isInstanceOf(JwksUnavailableException.class);
        assertThat(flaky.verify("t")).isSameAs(identity);
    }

    @Test
    void manyHitsCostOneVerificationAndNoKeyLookup() throws Exception {
        String token = idp.token().sign();
        cached.verify(token);
        keyLookups.set(0);

        for (int i = 0; i < 10_000; i++) {
            cached.verify(token);
        }

        assertThat(verifications).hasValue(1);
        assertThat(keyLookups).hasValue(0);
    }

    @Test
    void oversizedStringsAreNeverCached() {
        String huge = "x".repeat(JwtTokenVerifier.MAX_TOKEN_LENGTH + 1);

        assertThatThrownBy(() -> cached.verify(huge)).hasMessageContaining("over the limit");
        assertThatThrownBy(() -> cached.verify(huge)).hasMessageContaining("over the limit");

        assertThat(verifications).hasValue(2);
    }

    @Test
    void sizeBoundIsEnforced() throws Exception {
        CachingTokenVerifier tiny = CachingTokenVerifier.builder(token -> {
            verifications.incrementAndGet();
            return new Identity(token, java.util.Set.of(), "iss", null, null, Instant.now().plusSeconds(60));
        }).maximumSize(1).sameThreadMaintenance().build();
        List<String> tokens = List.of("a", "b", "c", "d", "e", "f", "g", "h");
        for (int round = 0; round < 3; round++) {
            for (String each : tokens) {
                tiny.verify(each);
            }
        }

        assertThat(verifications.get()).isGreaterThan(tokens.size());
    }
}
