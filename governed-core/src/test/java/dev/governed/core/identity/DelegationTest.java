package dev.governed.core.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.governed.policy.Caller;
import dev.governed.testsupport.TestIdentityProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RFC 8693 §4.1 {@code act}: the outermost actor acts now, the token's {@code sub} is whom it acts for. */
class DelegationTest {
    @TempDir
    static Path dir;

    static TestIdentityProvider idp;
    static Path jwks;
    static JwtTokenVerifier verifier;

    @BeforeAll
    static void setUp() throws Exception {
        idp = TestIdentityProvider.shared();
        jwks = idp.writeJwks(Files.createDirectories(dir.resolve("idp")));
        verifier = JwtTokenVerifier.builder().issuer(idp.issuer()).jwks("file:" + jwks).audience(idp.audience()).build();
    }

    @Test
    void nestedChainNamesTheCurrentActorFirstAndTheUserAsOnBehalfOf() throws Exception {
        Identity identity = verifier.verify(idp.token().subject("alice").groups("support-agents")
                .delegation("agent:billing", "orchestrator").sign());

        assertThat(identity.subject()).isEqualTo("agent:billing");
        assertThat(identity.onBehalfOf()).isEqualTo("alice");
        assertThat(identity.delegation()).containsExactly("agent:billing", "orchestrator");
        assertThat(identity.tokenSubject()).isEqualTo("alice");
        assertThat(identity.caller()).isEqualTo(new Caller("alice", java.util.Set.of("support-agents"), "agent:billing", "alice"));
    }

    @Test
    void plainTokenActsForItself() throws Exception {
        Identity identity = verifier.verify(idp.token().subject("agent:billing").sign());

        assertThat(identity.subject()).isEqualTo("agent:billing");
        assertThat(identity.onBehalfOf()).isNull();
        assertThat(identity.delegation()).isEmpty();
        assertThat(identity.caller()).isEqualTo(new Caller("agent:billing", java.util.Set.of()));
    }

    @Test
    void chainAtTheDepthLimitIsAcceptedAndOneDeeperIsRefused() throws Exception {
        assertThat(verifier.verify(idp.token().subject("alice").delegation("a1", "a2", "a3", "a4", "a5").sign()).delegation())
                .hasSize(5);

        assertRefused(idp.token().subject("alice").delegation("a1", "a2", "a3", "a4", "a5", "a6").sign())
                .hasMessageContaining("deeper than the limit of 5 actors")
                .hasMessageContaining("governed.delegation.maxDepth");
    }

    @Test
    void depthLimitComesFromTheGovernedSetting() throws Exception {
        Map<String, String> settings = Map.of("governed.issuer", idp.issuer(), "governed.jwks", "file:" + jwks,
                "governed.audience", idp.audience(), "governed.delegation.maxDepth", "1");
        JwtTokenVerifier strict = JwtTokenVerifier.builder(settings::get).build();

        assertThat(strict.verify(idp.token().subject("alice").delegation("agent:billing").sign()).subject()).isEqualTo("agent:billing");
        assertThatThrownBy(() -> strict.verify(idp.token().subject("alice").delegation("agent:billing", "orchestrator").sign()))
                .isInstanceOf(InvalidTokenException.class).hasMessageContaining("limit of 1 actors");
        assertThatThrownBy(() -> JwtTokenVerifier.builder(Map.of("governed.delegation.maxDepth", "deep")::get))
                .hasMessageContaining("governed.delegation.maxDepth must be a whole number from 1 to 32");
        assertThatThrownBy(() -> JwtTokenVerifier.builder().maxDelegationDepth(0)).hasMessageContaining("from 1 to 32");
    }

    @Test
    void actThatIsNotAnObjectIsRefused() {
        assertRefused(idp.token().subject("alice").claim("act", "agent:billing").sign())
                .hasMessageContaining("token claim act must be a JSON object with a string sub").hasMessageContaining("found a string");
        assertRefused(idp.token().subject("alice").claim("act", List.of("agent:billing")).sign())
                .hasMessageContaining("found a JSON array");
    }

    @Test
    void actWithoutAStringSubIsRefusedAtEveryLevel() {
        assertRefused(idp.token().subject("alice").claim("act", Map.of("sub", 7)).sign())
                .hasMessageContaining("token claim act has a number sub");
        assertRefused(idp.token().subject("alice").claim("act", Map.of("sub", " ")).sign())
                .hasMessageContaining("token claim act has a blank sub");
        assertRefused(idp.token().subject("alice").claim("act", Map.of("sub", "agent:billing", "act", Map.of("client_id", "x"))).sign())
                .hasMessageContaining("token claim act.act has no sub");
        assertRefused(idp.token().subject("alice").claim("act", Map.of("sub", "agent:billing", "act", "orchestrator")).sign())
                .hasMessageContaining("token claim act.act must be a JSON object");
    }

    @Test
    void cyclesAndSelfDelegationAreRefused() {
        assertRefused(idp.token().subject("alice").delegation("agent:a", "agent:b", "agent:a").sign())
                .hasMessageContaining("act.act.act.sub 'agent:a' appears twice in the delegation chain");
        assertRefused(idp.token().subject("alice").delegation("alice").sign())
                .hasMessageContaining("is the token's own sub");
    }

    @Test
    void hugeActorNameIsRefused() {
        assertRefused(idp.token().subject("alice").delegation("a".repeat(ActClaim.MAX_SUBJECT_LENGTH + 1)).sign())
                .hasMessageContaining("act.sub is 1025 characters long");
    }

    @Test
    void otherActMembersAreAllowedAsTheRfcPermits() throws Exception {
        Identity identity = verifier.verify(idp.token().subject("alice")
                .claim("act", Map.of("sub", "agent:billing", "iss", "https://sts.example")).sign());

        assertThat(identity.delegation()).containsExactly("agent:billing");
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> assertRefused(String token) {
        return assertThatThrownBy(() -> verifier.verify(token)).isInstanceOf(InvalidTokenException.class);
    }
}
