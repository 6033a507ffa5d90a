package dev.governed.audit.chain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.governed.audit.AuditEvent;
import dev.governed.audit.AuditJson;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code actor.delegation} is encoded and hashed when present, and events without it encode as they always did. */
class DelegationEncodingTest {

    private static final Instant TIME = Instant.parse("2026-11-22T01:02:03.123456Z");

    private static AuditEvent event(AuditEvent.Actor actor) {
        return new AuditEvent("e1", TIME, null, actor, null, null, null, null, List.of(), null);
    }

    @Test
    void eventWithoutDelegationHasTheCanonicalFormItAlwaysHad() {
        AuditEvent plain = event(new AuditEvent.Actor("agent:x", List.of("g"), "iss", "j", null));

        assertThat(new EventEncoder().canonical(plain, "s", 1, null).text()).isEqualTo(
                "{\"action\":null,\"actor\":{\"groups\":[\"g\"],\"issuer\":\"iss\",\"onBehalfOf\":null,\"subject\":\"agent:x\","
                        + "\"tokenId\":\"j\"},\"chain\":{\"prev\":null,\"seq\":1,\"stream\":\"s\"},\"decision\":null,\"id\":\"e1\","
                        + "\"masking\":[],\"outcome\":null,\"resource\":null,\"session\":null,\"time\":\"2026-11-22T01:02:03.123456Z\"}");
        assertThat(AuditJson.toJson(plain)).doesNotContain("delegation");
        assertThat(new EventEncoder().line(plain).text()).doesNotContain("delegation");
    }

    @Test
    void delegatedEventCarriesTheChainInCanonicalOrderAndInTheLine() {
        AuditEvent delegated = event(new AuditEvent.Actor("agent:billing", List.of("g"), "iss", "j", "alice",
                List.of("agent:billing", "orchestrator")));

        assertThat(new EventEncoder().canonical(delegated, "s", 1, null).text()).startsWith(
                "{\"action\":null,\"actor\":{\"delegation\":[\"agent:billing\",\"orchestrator\"],\"groups\":[\"g\"],\"issuer\":\"iss\","
                        + "\"onBehalfOf\":\"alice\",\"subject\":\"agent:billing\",\"tokenId\":\"j\"},");
        assertThat(new EventEncoder().line(delegated).text()).contains(
                "\"actor\":{\"subject\":\"agent:billing\",\"groups\":[\"g\"],\"issuer\":\"iss\",\"tokenId\":\"j\","
                        + "\"onBehalfOf\":\"alice\",\"delegation\":[\"agent:billing\",\"orchestrator\"]}");
        assertThat(AuditJson.fromJson(AuditJson.toJson(delegated))).isEqualTo(delegated);
    }

    @Test
    void changingTheDelegationChainChangesTheHash() {
        AuditEvent.Actor real = new AuditEvent.Actor("agent:billing", List.of(), "iss", "j", "alice",
                List.of("agent:billing", "orchestrator"));
        AuditEvent.Actor forged = new AuditEvent.Actor("agent:billing", List.of(), "iss", "j", "alice",
                List.of("agent:billing"));
        HashChain.Linked original = new HashChain("s", null).append(event(real));

        assertThat(HashChain.hashOf(AuditJson.readTree(original.json()))).isEqualTo(original.event().chain().hash());
        assertThat(new HashChain("s", null).append(event(forged)).event().chain().hash())
                .isNotEqualTo(original.event().chain().hash());
    }
}
