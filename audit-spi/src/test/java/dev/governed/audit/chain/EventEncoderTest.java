package dev.governed.audit.chain;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.governed.audit.AuditEvent;
import dev.governed.audit.AuditFixtures;
import dev.governed.audit.AuditJson;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EventEncoderTest {

    private final EventEncoder encoder = new EventEncoder();

    @Test
    void canonicalBytesEqualJcsOverTheJacksonTree() {
        for (AuditEvent event : tricky()) {
            assertThat(encoder.canonical(event, "s", 42, "ab".repeat(32)).text())
                    .isEqualTo(viaTree(event, "s", 42, "ab".repeat(32)));
        }
    }

    @Test
    void lineReadsBackAsTheJacksonLineInContractOrder() {
        for (AuditEvent event : tricky()) {
            AuditEvent chained = AuditJson.atMicros(event).withChain(new AuditEvent.Chain("s", 7, "0".repeat(64), "f".repeat(64)));
            JsonNode written = AuditJson.readTree(encoder.line(chained).text());
            JsonNode jackson = AuditJson.readTree(AuditJson.toJson(chained));

            assertThat(written).isEqualTo(jackson);
            assertThat(keyOrder(written)).isEqualTo(keyOrder(jackson));
            assertThat(AuditJson.fromJson(encoder.text())).isEqualTo(chained);
        }
    }

    @Test
    void lineCopiedFromTheCanonicalBytesEqualsTheLineEncodedDirectly() {
        for (AuditEvent event : tricky()) {
            AuditEvent atMicros = AuditJson.atMicros(event);
            AuditEvent chained = atMicros.withChain(new AuditEvent.Chain("s", 7, "0".repeat(64), "f".repeat(64)));
            String direct = new EventEncoder().line(chained).text();

            String copied = encoder.canonical(atMicros, "s", 7, "0".repeat(64)).chainedLine(atMicros, "f".repeat(64));

            assertThat(copied).isEqualTo(direct);
        }
    }

    @Test
    void randomStringsAndTimesAgreeWithTheTreePath() {
        Random random = new Random(8785);
        for (int i = 0; i < 2000; i++) {
            String text = randomString(random);
            long seconds = random.nextLong() % 253_402_300_799L; // within years 0..9999 either side of 1970
            Instant time = Instant.ofEpochSecond(Math.abs(seconds) - (random.nextBoolean() ? 62_000_000_000L : 0),
                    random.nextInt(1_000_000) * 1000);
            AuditEvent base = AuditFixtures.event(text, text + "\n" + i);
            AuditEvent event = new AuditEvent(base.id(), time, null, base.actor(), base.session(), base.resource(),
                    base.action(), base.decision(), base.masking(),
                    new AuditEvent.Outcome(text, random.nextLong() % 9007199254740991L, random.nextInt(), text));

            assertThat(encoder.canonical(event, text, i, text).text()).isEqualTo(viaTree(event, text, i, text));
        }
    }

    @Test
    void eventsWithoutRecordedPartsEncodeAsBeforeTheFieldsExisted() {
        AuditEvent plain = AuditFixtures.event("plain");

        String line = encoder.line(plain).text();

        assertThat(line).doesNotContain("parameters").doesNotContain("result").doesNotContain("batch")
                .doesNotContain("unorderedDigest").doesNotContain("capped");
        assertThat(AuditJson.toJson(plain)).doesNotContain("parameters").doesNotContain("\"result\"")
                .doesNotContain("batch");
    }

    @Test
    void integersBeyondTwoToTheFiftyThirdAreLeftToTheTreePath() {
        AuditEvent event = AuditFixtures.event("a");
        AuditEvent huge = new AuditEvent(event.id(), event.time(), null, event.actor(), event.session(),
                event.resource(), event.action(), event.decision(), event.masking(),
                new AuditEvent.Outcome("ok", Long.MAX_VALUE, 1, null));

        assertThat(EventEncoder.fits(event)).isTrue();
        assertThat(EventEncoder.fits(huge)).isFalse();
        HashChain.Linked linked = new HashChain("s", null).append(huge);
        assertThat(HashChain.hashOf(AuditJson.readTree(linked.json()))).isEqualTo(linked.event().chain().hash());
    }

    private static String viaTree(AuditEvent event, String stream, long seq, String prev) {
        ObjectNode tree = AuditJson.toTree(AuditJson.atMicros(event).withChain(new AuditEvent.Chain(stream, seq, prev, null)));
        ((ObjectNode) tree.get("chain")).remove("hash");
        return new String(Jcs.canonicalBytes(tree), StandardCharsets.UTF_8);
    }

    private static List<AuditEvent> tricky() {
        AuditEvent full = AuditFixtures.event("agent:ü \"quoted\" \\ \u0001\u001f\b\f\r\t \u20ac \uD83D\uDE00 \uD800 x\uDC00",
                "SELECT '</script>' \n\u2028\u2029 FROM \"t\"");
        AuditEvent sparse = new AuditEvent("id-1", Instant.parse("1970-01-01T00:00:00Z"), null, null,
                new AuditEvent.Session(null, null), null, new AuditEvent.Action(null, null, null, null, null),
                new AuditEvent.DecisionInfo(null, null, null, null, null), null,
                new AuditEvent.Outcome(null, null, -5, null));
        AuditEvent noTime = new AuditEvent("", null, null, new AuditEvent.Actor("", List.of("a", "b"), "", "", ""),
                null, new AuditEvent.Resource("", "", "", ""), null, null,
                List.of(new AuditEvent.Masking("c1", "hash", 0), new AuditEvent.Masking(null, null, 9007199254740991L)),
                null);
        AuditEvent leap = new AuditEvent("id", Instant.parse("2024-02-29T23:59:59.999999999Z"), null, full.actor(),
                full.session(), full.resource(), full.action(), full.decision(), full.masking(), full.outcome());
        AuditEvent ancient = new AuditEvent("id", Instant.parse("0001-03-01T00:00:00.000001Z"), null, null, null,
                null, null, null, null, null);
        AuditEvent delegated = new AuditEvent("id-d", full.time(), null,
                new AuditEvent.Actor("agent:billing", List.of("support-agents"), "https://idp", "jti", "alice",
                        List.of("agent:billing", "orchestr\"ator \uD83D\uDE00")),
                full.session(), full.resource(), full.action(), full.decision(), full.masking(), full.outcome());
        AuditEvent.Action action = full.action();
        AuditEvent recorded = new AuditEvent("id-r", full.time(), null, full.actor(), full.session(), full.resource(),
                new AuditEvent.Action(action.kind(), action.operation(), action.statement(), action.fingerprint(),
                        action.tables(), List.of(new AuditEvent.Parameter(null, "integer", "42"),
                                new AuditEvent.Parameter("ab".repeat(32), "string", null),
                                new AuditEvent.Parameter(null, "string", "\u00fc \"q\" \uD83D\uDE00"),
                                new AuditEvent.Parameter(null, "null", null))),
                full.decision(), full.masking(), new AuditEvent.Outcome("read", 3L, 12, null,
                        new AuditEvent.Result(true, "cd".repeat(32), "id-s", List.of(2, 5))));
        AuditEvent partial = new AuditEvent("id-p", full.time(), null, full.actor(), full.session(), full.resource(),
                full.action(), full.decision(), List.of(), new AuditEvent.Outcome("read", 0L, 1, "x",
                        new AuditEvent.Result(false, null, null, List.of())));
        AuditEvent batch = new AuditEvent("id-b", full.time(), null, full.actor(), full.session(), full.resource(),
                new AuditEvent.Action(action.kind(), action.operation(), action.statement(), action.fingerprint(),
                        action.tables(), List.of(), new AuditEvent.Batch(List.of(
                                List.of(new AuditEvent.Parameter(null, "integer", "1"),
                                        new AuditEvent.Parameter(null, "string", "\u00fc \"q\"")),
                                List.of(new AuditEvent.Parameter("ab".repeat(32), "string", null, "p_name"),
                                        new AuditEvent.Parameter(null, "null", null))), 500)),
                full.decision(), full.masking(), full.outcome());
        AuditEvent named = new AuditEvent("id-n", full.time(), null, full.actor(), full.session(), full.resource(),
                new AuditEvent.Action(action.kind(), action.operation(), action.statement(), action.fingerprint(),
                        action.tables(), List.of(new AuditEvent.Parameter(null, "integer", "7", "n\u00e4me \"x\""))),
                full.decision(), full.masking(), new AuditEvent.Outcome("read", 3L, 12, null,
                        new AuditEvent.Result(true, "cd".repeat(32), "id-s", List.of(), "ef".repeat(32))));
        AuditEvent emptyBatch = new AuditEvent("id-e", full.time(), null, full.actor(), full.session(),
                full.resource(), new AuditEvent.Action(action.kind(), action.operation(), action.statement(),
                        action.fingerprint(), action.tables(), null, new AuditEvent.Batch(List.of(), 0)),
                full.decision(), full.masking(), full.outcome());
        return List.of(full, sparse, noTime, leap, ancient, AuditFixtures.event("plain"), delegated, recorded, partial,
                batch, named, emptyBatch);
    }

    private static String randomString(Random random) {
        StringBuilder result = new StringBuilder();
        int n = random.nextInt(12);
        for (int i = 0; i < n; i++) {
            result.append((char) switch (random.nextInt(5)) {
                case 0 -> random.nextInt(0x80);
                case 1 -> random.nextInt(0x800);
                case 2 -> 0xD800 + random.nextInt(0x800); // surrogates, paired or not
                default -> random.nextInt(0x10000);
            });
        }
        return result.toString();
    }

    private static List<String> keyOrder(JsonNode node) {
        List<String> result = new ArrayList<>();
        node.fields().forEachRemaining(entry -> {
            result.add(entry.getKey());
            if (entry.getValue().isObject()) {
                keyOrder(entry.getValue()).forEach(key -> result.add(entry.getKey() + "." + key));
            }
        });
        return result;
    }
}
