package dev.governed.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditDispatcherTest {

    @TempDir
    Path dir;

    @Test
    void sixteenThreadsLoseNoEventAndCloseFlushesEverything() throws Exception {
        Path file = dir.resolve("audit.jsonl");
        int threads = 16;
        int perThread = 500;
        AuditDispatcher dispatcher = AuditDispatcher.builder()
                .sinks("jsonl:" + file + "?fsync=none").queueCapacity(256).checkpointEvery(1000)
                .backpressureWait(Duration.ofSeconds(30)).build(); // about no loss, not about timing: a busy CI host may stall the writer
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            String subject = "agent:" + t;
            done.add(pool.submit(() -> {
                for (int i = 0; i < perThread; i++) {
                    dispatcher.record(AuditFixtures.event(subject));
                }
            }));
        }
        for (Future<?> each : done) {
            each.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        dispatcher.close();

        List<JsonNode> lines = Files.readAllLines(file).stream().map(AuditJson::readTree).toList();
        List<JsonNode> events = lines.stream().filter(n -> !n.has("type")).toList();
        assertThat(events).hasSize(threads * perThread);
        assertThat(events.stream().map(n -> n.get("id").asText()).distinct()).hasSize(threads * perThread);
        for (int i = 0; i < events.size(); i++) {
            assertThat(events.get(i).at("/chain/seq").asLong()).isEqualTo(i + 1);
        }
        assertThat(lines.get(lines.size() - 1).get("type").asText()).isEqualTo("checkpoint");
    }

    @Test
    void flushWaitsUntilEverythingRecordedSoFarIsInTheFile() throws Exception {
        Path file = dir.resolve("audit.jsonl");
        try (AuditDispatcher dispatcher = AuditDispatcher.fromSpec("jsonl:" + file)) {
            for (int i = 0; i < 50; i++) {
                dispatcher.record(AuditFixtures.event("a"));
            }
            dispatcher.flush();

            assertThat(Files.readAllLines(file).stream().filter(l -> !l.contains("\"checkpoint\""))).hasSize(50);
        }
    }

    @Test
    void closeDeliversQueuedEventsAndClosesSinks() {
        MemorySink sink = new MemorySink();
        sink.block();
        AuditDispatcher dispatcher = AuditDispatcher.builder().sink(sink).build();
        for (int i = 0; i < 20; i++) {
            dispatcher.record(AuditFixtures.event("a"));
        }
        sink.unblock();

        dispatcher.close();

        assertThat(sink.events()).hasSize(20);
        assertThat(sink.closes.get()).isEqualTo(1);
    }

    @Test
    void fullQueueFailsClosedAfterTheBackpressureWait() {
        MemorySink sink = new MemorySink();
        sink.block();
        try (AuditDispatcher dispatcher = AuditDispatcher.builder().sink(sink).queueCapacity(4).batchSize(1)
                .backpressureWait(Duration.ofMillis(50)).build()) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> {
                for (int i = 0; i < 10; i++) {
                    dispatcher.record(AuditFixtures.event("a"));
                }
            }).isInstanceOf(AuditException.class)
                    .hasMessageContaining("audit queue (capacity 4) stayed full for 50 ms")
                    .hasMessageContaining("memory:test")
                    .hasMessageContaining("refused because audit is required");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(50));
            sink.unblock();
        }
    }

    @Test
    void fullQueueDropsAndCountsWhenAuditIsNotRequired() {
        MemorySink sink = new MemorySink();
        sink.block();
        AuditDispatcher dispatcher = AuditDispatcher.builder().sink(sink).queueCapacity(2).batchSize(1)
                .backpressureWait(Duration.ZERO).required(false).build();
        for (int i = 0; i < 10; i++) {
            dispatcher.record(AuditFixtures.event("a"));
        }
        sink.unblock();
        dispatcher.close();

        assertThat(dispatcher.droppedCount()).isPositive();
        assertThat(sink.events().size() + dispatcher.droppedCount()).isEqualTo(10);
    }

    @Test
    void failingSinkIsRetriedUntilItRecoversWithoutLoss() {
        MemorySink sink = new MemorySink();
        sink.failing.set(true);
        try (AuditDispatcher dispatcher = AuditDispatcher.builder().sink(sink).build()) {
            for (int i = 0; i < 5; i++) {
                dispatcher.record(AuditFixtures.event("a"));
            }
            assertThatThrownBy(() -> dispatcher.flush(Duration.ofMillis(200)))
                    .isInstanceOf(AuditException.class).hasMessageContaining("collector unreachable");
            sink.failing.set(false);
            dispatcher.flush();
            assertThat(sink.events()).hasSize(5);
        }
    }

    @Test
    void closeReportsEntriesItCouldNotDeliver() {
        MemorySink sink = new MemorySink();
        sink.failing.set(true);
        AuditDispatcher dispatcher = AuditDispatcher.builder().sink(sink).closeTimeout(Duration.ofMillis(100)).build();
        dispatcher.record(AuditFixtures.event("a"));

        assertThatThrownBy(dispatcher::close).isInstanceOf(AuditException.class)
                .hasMessageContaining("could not be delivered").hasMessageContaining("collector unreachable");
    }

    @Test
    void concurrentCloseAndFlushReturnPromptlyAndCloseSinksOnce() throws Exception {
        MemorySink sink = new MemorySink();
        AuditDispatcher dispatcher = AuditDispatcher.builder().sink(sink).closeOnShutdown(false).build();
        for (int i = 0; i < 100; i++) {
            dispatcher.record(AuditFixtures.event("a"));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<?>> done = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < 4; i++) {
            boolean close = i % 2 == 0;
            done.add(pool.submit(() -> {
                if (close) {
                    dispatcher.close();
                } else {
                    dispatcher.flush(Duration.ofSeconds(20));
                }
            }));
        }
        for (Future<?> each : done) {
            each.get(30, TimeUnit.SECONDS);
        }
        pool.shutdown();

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(sink.events()).hasSize(100);
        assertThat(sink.closes.get()).isEqualTo(1);
    }

    @Test
    void recordAfterCloseIsRefused() {
        AuditDispatcher dispatcher = AuditDispatcher.builder().sink(new MemorySink()).build();
        dispatcher.close();

        assertThatThrownBy(() -> dispatcher.record(AuditFixtures.event("a")))
                .isInstanceOf(AuditException.class).hasMessageContaining("closed");
    }

    @Test
    void everyDispatcherIsItsOwnStream() {
        MemorySink sink = new MemorySink();
        Set<String> streams = new HashSet<>();
        for (int i = 0; i < 2; i++) {
            try (AuditDispatcher dispatcher = AuditDispatcher.builder().sink(sink).resume(false).build()) {
                dispatcher.record(AuditFixtures.event("a"));
                streams.add(dispatcher.stream());
            }
        }
        assertThat(streams).hasSize(2);
        assertThat(sink.events()).extracting(e -> e.chain().seq()).containsExactly(1L, 1L);
    }

    @Test
    void aDispatcherNeedsASink() {
        assertThatThrownBy(() -> AuditDispatcher.builder().build())
                .isInstanceOf(AuditException.class).hasMessageContaining("at least one sink");
    }
}
