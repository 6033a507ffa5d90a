package dev.governed.audit.chain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.governed.audit.AuditEvent;
import dev.governed.audit.AuditFixtures;
import dev.governed.audit.AuditJson;
import org.junit.jupiter.api.Test;

class HashChainTest {

    @Test
    void firstEventLinksToGenesisAndEachNextToThePreviousHash() {
        HashChain chain = new HashChain("stream-1", null);

        HashChain.Linked first = chain.append(AuditFixtures.event("a"));
        HashChain.Linked second = chain.append(AuditFixtures.event("b"));

        assertThat(first.event().chain()).extracting(AuditEvent.Chain::stream, AuditEvent.Chain::seq, AuditEvent.Chain::prev)
                .containsExactly("stream-1", 1L, HashChain.GENESIS);
        assertThat(second.event().chain().seq()).isEqualTo(2);
        assertThat(second.event().chain().prev()).isEqualTo(first.event().chain().hash());
        assertThat(chain.head()).isEqualTo(second.event().chain().hash()).matches("[0-9a-f]{64}");
    }

    @Test
    void hashCoversTheCanonicalEventWithoutTheHashField() {
        HashChain.Linked linked = new HashChain("s", null).append(AuditFixtures.event("a"));
        var tree = AuditJson.readTree(linked.json());
        ((com.fasterxml.jackson.databind.node.ObjectNode) tree.get("chain")).remove("hash");

        String expected = HashChain.sha256Hex(Jcs.canonicalBytes(tree));

        assertThat(linked.event().chain().hash()).isEqualTo(expected);
        assertThat(HashChain.hashOf(AuditJson.readTree(linked.json()))).isEqualTo(expected);
        assertThat(AuditJson.fromJson(linked.json())).isEqualTo(linked.event());
    }

    @Test
    void changingAnyFieldChangesTheHash() {
        AuditEvent event = AuditFixtures.event("a");
        String original = new HashChain("s", null).append(event).event().chain().hash();
        AuditEvent changed = new AuditEvent(event.id(), event.time(), null, event.actor(), event.session(),
                event.resource(), event.action(), event.decision(), event.masking(),
                new AuditEvent.Outcome("ok", 13L, 812, null));

        assertThat(new HashChain("s", null).append(changed).event().chain().hash()).isNotEqualTo(original);
    }

    @Test
    void resumedChainStartsFromTheGivenHead() {
        HashChain chain = new HashChain("s2", "ab".repeat(32));

        assertThat(chain.append(AuditFixtures.event("a")).event().chain().prev()).isEqualTo("ab".repeat(32));
    }
}
