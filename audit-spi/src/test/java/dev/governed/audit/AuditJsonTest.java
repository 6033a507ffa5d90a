package dev.governed.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

class AuditJsonTest {

    @Test
    void serialisedEventHasExactlyTheContractFieldsAtEveryLevel() {
        AuditEvent event = AuditFixtures.event("agent:billing")
                .withChain(new AuditEvent.Chain("s", 42, "0".repeat(64), "f".repeat(64)));

        JsonNode written = AuditJson.readTree(AuditJson.toJson(event));
        JsonNode contract = AuditJson.readTree(AuditFixtures.contractExample());

        assertThat(keyPaths(written, "")).containsExactlyElementsOf(keyPaths(contract, ""));
    }

    @Test
    void contractExampleReadsIntoTheRecordAndWritesBackIdentically() {
        JsonNode contract = AuditJson.readTree(AuditFixtures.contractExample());

        AuditEvent event = AuditJson.fromJson(AuditFixtures.contractExample());

        assertThat(event.decision().policyVersion()).isEqualTo(7L);
        assertThat(event.masking()).containsExactly(new AuditEvent.Masking("public.customers.ssn", "keep-last", 12));
        assertThat(AuditJson.readTree(AuditJson.toJson(event))).isEqualTo(contract);
    }

    @Test
    void timeIsUtcWithExactlySixFractionDigits() {
        AuditEvent event = AuditFixtures.event("a");
        AuditEvent whole = new AuditEvent(event.id(), Instant.parse("2026-11-22T01:02:03Z"), null, event.actor(),
                event.session(), event.resource(), event.action(), event.decision(), event.masking(), event.outcome());

        assertThat(AuditJson.toJson(event)).contains("\"time\":\"2026-11-22T01:02:03.123456Z\"");
        assertThat(AuditJson.toJson(whole)).contains("\"time\":\"2026-11-22T01:02:03.000000Z\"");
    }

    @Test
    void nullsAreWrittenAsNullAndTheLineHasNoLineBreak() {
        String json = AuditJson.toJson(AuditFixtures.event("a", "SELECT 1\nFROM dual"));

        assertThat(json).contains("\"approval\":null", "\"error\":null", "\"chain\":null").doesNotContain("\n");
    }

    @Test
    void roundTripPreservesEveryValue() {
        AuditEvent event = AuditFixtures.event("agent:ü \"quoted\"")
                .withChain(new AuditEvent.Chain("s", 1, "0".repeat(64), "a".repeat(64)));
        AuditEvent expected = new AuditEvent(event.id(), Instant.parse("2026-11-22T01:02:03.123456Z"), event.chain(),
                event.actor(), event.session(), event.resource(), event.action(), event.decision(), event.masking(),
                event.outcome());

        assertThat(AuditJson.fromJson(AuditJson.toJson(event))).isEqualTo(expected);
    }

    @Test
    void notAnEventIsRejectedWithTheReason() {
        assertThatThrownBy(() -> AuditJson.fromJson("{\"id\":"))
                .isInstanceOf(AuditException.class).hasMessageContaining("not a valid audit event");
        assertThatThrownBy(() -> AuditJson.fromJson("{\"time\":\"yesterday\"}"))
                .isInstanceOf(AuditException.class).hasMessageContaining("ISO-8601");
    }

    @Test
    void idsAreVersion7AndIncreaseOverTime() throws InterruptedException {
        var first = AuditIds.uuidV7();
        Thread.sleep(2);
        var second = AuditIds.uuidV7();

        assertThat(first.version()).isEqualTo(7);
        assertThat(first.variant()).isEqualTo(2);
        assertThat(second.toString()).isGreaterThan(first.toString());
    }

    /** Every object key as a path, in document order, with array elements collapsed to []. */
    static List<String> keyPaths(JsonNode node, String prefix) {
        List<String> result = new ArrayList<>();
        if (node.isObject()) {
            Iterator<String> names = node.fieldNames();
            while (names.hasNext()) {
                String name = names.next();
                result.add(prefix + name);
                result.addAll(keyPaths(node.get(name), prefix + name + "."));
            }
        } else if (node.isArray() && !node.isEmpty()) {
            result.addAll(keyPaths(node.get(0), prefix + "[]."));
        }
        return result;
    }
}
