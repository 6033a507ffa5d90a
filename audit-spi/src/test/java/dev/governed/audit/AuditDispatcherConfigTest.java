package dev.governed.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.jwk.JWKSet;
import dev.governed.audit.chain.ChainStateFile;
import dev.governed.audit.chain.Checkpoint;
import dev.governed.audit.verify.AuditVerifier;
import dev.governed.audit.verify.VerificationResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditDispatcherConfigTest {

    @TempDir
    Path dir;

    @Test
    void propertiesConfigureSinksSigningAndCheckpoints() throws Exception {
        Path file = dir.resolve("audit.jsonl");
        Path key = Files.writeString(dir.resolve("signing.jwk"), TestKeys.ES256.toJSONString());
        Map<String, String> properties = Map.of(
                "governed.audit", "jsonl:" + file + "?fsync=none",
                "governed.audit.key", key.toString(),
                "governed.audit.checkpoint.every", "3",
                "governed.audit.queue", "64",
                "governed.audit.spool", dir.resolve("spool").toString(),
                "governed.audit.spool.maxSize", "1MB",
                "governed.other", "ignored");

        try (AuditDispatcher dispatcher = AuditDispatcher.fromProperties(properties)) {
            for (int i = 0; i < 7; i++) {
                dispatcher.record(AuditFixtures.event("a"));
            }
        }

        VerificationResult result = AuditVerifier.trusting(new JWKSet(TestKeys.ES256.toPublicJWK())).verify(file);
        assertThat(result.intact()).as(result.summary()).isTrue();
        assertThat(result.checkpoints()).isEqualTo(3); // after 3, 6 and at close
        assertThat(result.checkpointsSigned()).isEqualTo(3);
        assertThat(Files.isDirectory(dir.resolve("spool"))).isTrue();
    }

    @Test
    void journalPropertiesOpenABoundedJournalAndASecondDispatcherOnItIsRefused() throws Exception {
        Path journal = dir.resolve("journal");
        Map<String, String> properties = Map.of(
                "governed.audit", "jsonl:" + dir.resolve("audit.jsonl"),
                "governed.audit.journal", journal.toString(),
                "governed.audit.journal.maxSize", "1MB");

        try (AuditDispatcher dispatcher = AuditDispatcher.fromProperties(properties)) {
            dispatcher.record(AuditFixtures.event("a"));
            try (var files = Files.list(journal)) {
                assertThat(files.toList()).singleElement().satisfies(file -> {
                    assertThat(file.getFileName().toString()).matches("audit-[0-9a-f]{12}\\.journal");
                    assertThat(Files.size(file)).isEqualTo(4096 + (1L << 20));
                });
            }
            assertThatThrownBy(() -> AuditDispatcher.fromProperties(properties))
                    .isInstanceOf(AuditException.class).hasMessageContaining("in use by another dispatcher");
        }
        assertThatThrownBy(() -> AuditDispatcher.fromProperties(Map.of("governed.audit", "jsonl:" + dir.resolve("b.jsonl"),
                "governed.audit.journal.maxSize", "1MB")))
                .hasMessageContaining("governed.audit.journal.maxSize is set but governed.audit.journal is not");
    }

    @Test
    void badPropertiesAreRejectedNamingTheKey() {
        String sink = "jsonl:" + dir.resolve("a.jsonl");
        assertThatThrownBy(() -> AuditDispatcher.fromProperties(Map.of("governed.audit", sink, "governed.audit.qeueu", "5")))
                .isInstanceOf(AuditException.class).hasMessageContaining("unknown audit setting(s) [governed.audit.qeueu]");
        assertThatThrownBy(() -> AuditDispatcher.fromProperties(Map.of("governed.audit.queue", "5")))
                .hasMessageContaining("governed.audit is not set");
        assertThatThrownBy(() -> AuditDispatcher.fromProperties(Map.of("governed.audit", sink, "governed.audit.required", "yes")))
                .hasMessageContaining("governed.audit.required is 'yes'; use true or false");
        assertThatThrownBy(() -> AuditDispatcher.fromProperties(Map.of("governed.audit", sink,
                "governed.audit.checkpoint.interval", "soon"))).hasMessageContaining("not a duration");
        assertThatThrownBy(() -> AuditDispatcher.fromProperties(Map.of("governed.audit", sink,
                "governed.audit.key", dir.resolve("missing.jwk").toString())))
                .hasMessageContaining("cannot read the audit signing key");
    }

    @Test
    void durationsAcceptShortAndIsoForms() {
        assertThat(AuditProperties.parseDuration("k", "500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(AuditProperties.parseDuration("k", "10s")).isEqualTo(Duration.ofSeconds(10));
        assertThat(AuditProperties.parseDuration("k", "PT1M")).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void checkpointIsWrittenAfterTheIntervalWithoutWaitingForMoreEvents() throws Exception {
        MemorySink sink = new MemorySink();
        try (AuditDispatcher dispatcher = AuditDispatcher.builder().sink(sink).checkpointEvery(0)
                .checkpointInterval(Duration.ofMillis(100)).closeOnShutdown(false).build()) {
            dispatcher.record(AuditFixtures.event("a"));
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (sink.entries.size() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(sink.entries).hasSize(2);
            assertThat(sink.entries.get(1).json()).contains("\"type\":\"checkpoint\"").contains("\"seq\":1");
        }
    }

    @Test
    void chainStateFileLinksTheNextRunEvenWithoutReadableSinks() throws Exception {
        Path state = dir.resolve("state/chain.json");
        MemorySink first = new MemorySink();
        try (AuditDispatcher dispatcher = AuditDispatcher.builder().sink(first).chainState(state)
                .closeOnShutdown(false).build()) {
            dispatcher.record(AuditFixtures.event("a"));
            dispatcher.record(AuditFixtures.event("b"));
        }
        Checkpoint saved = new ChainStateFile(state).read().orElseThrow();
        assertThat(saved.seq()).isEqualTo(2);

        MemorySink second = new MemorySink();
        try (AuditDispatcher dispatcher = AuditDispatcher.builder().sink(second).chainState(state)
                .closeOnShutdown(false).build()) {
            dispatcher.record(AuditFixtures.event("c"));
        }

        assertThat(second.events().get(0).chain().prev()).isEqualTo(saved.head())
                .isEqualTo(first.events().get(1).chain().hash());
    }

    @Test
    void resumeFromTheJsonlFileLinksStreams() throws Exception {
        Path file = dir.resolve("audit.jsonl");
        for (int run = 0; run < 3; run++) {
            try (AuditDispatcher dispatcher = AuditDispatcher.fromSpec("jsonl:" + file)) {
                dispatcher.record(AuditFixtures.event("a"));
            }
        }

        List<JsonNode> events = Files.readAllLines(file).stream().map(AuditJson::readTree)
                .filter(n -> !n.has("type")).toList();
        assertThat(events).hasSize(3);
        assertThat(events.get(1).at("/chain/prev").asText()).isEqualTo(events.get(0).at("/chain/hash").asText());
        assertThat(events.get(2).at("/chain/prev").asText()).isEqualTo(events.get(1).at("/chain/hash").asText());
        assertThat(AuditVerifier.withoutSignatures().verify(file).intact()).isTrue();
    }
}
