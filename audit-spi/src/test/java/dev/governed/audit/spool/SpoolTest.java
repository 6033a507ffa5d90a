package dev.governed.audit.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.governed.audit.AuditDispatcher;
import dev.governed.audit.AuditEvent;
import dev.governed.audit.AuditException;
import dev.governed.audit.AuditFixtures;
import dev.governed.audit.MemorySink;
import dev.governed.audit.TestKeys;
import dev.governed.audit.chain.CheckpointSigner;
import dev.governed.audit.sink.AuditEntry;
import dev.governed.audit.sink.AuditSink;
import dev.governed.audit.sink.JsonlSink;
import dev.governed.audit.verify.AuditVerifier;
import dev.governed.audit.verify.VerificationResult;
import com.nimbusds.jose.jwk.JWKSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolTest {

    @TempDir
    Path dir;

    @Test
    void failingSinkSpoolsAndDrainsInOrderWithoutLoss() throws Exception {
        MemorySink sink = new MemorySink();
        sink.failing.set(true);
        try (AuditDispatcher dispatcher = dispatcher(sink, 1 << 20)) {
            record(dispatcher, 30);
            dispatcher.flush(Duration.ofSeconds(5)); // returns: the events are durably spooled
            assertThat(sink.entries).isEmpty();
            assertThat(spooledFiles()).isNotEmpty();

            sink.failing.set(false);
            record(dispatcher, 10);
            dispatcher.flush();
            await(() -> sink.events().size() >= 40);
        }

        List<AuditEvent> events = sink.events();
        assertThat(events).extracting(e -> e.chain().seq()).containsExactlyElementsOf(
                java.util.stream.LongStream.rangeClosed(1, 40).boxed().toList());
        assertThat(spooledFiles()).isEmpty();
    }

    @Test
    void partialDeliveryIsRedeliveredAndDeDuplicatesToExactlyTheRecordedEvents() throws Exception {
        AtomicBoolean flushFails = new AtomicBoolean(true);
        MemorySink memory = new MemorySink();
        AuditSink writesButCannotFlush = new ForwardingSink(memory) {
            @Override
            public void flush() throws IOException {
                if (flushFails.get()) {
                    throw new IOException("disk full on collector");
                }
            }
        };
        try (AuditDispatcher dispatcher = dispatcher(writesButCannotFlush, 1 << 20)) {
            record(dispatcher, 20);
            dispatcher.flush();
            flushFails.set(false);
            record(dispatcher, 5);
            dispatcher.flush();
        }

        List<String> keys = memory.entries.stream().map(AuditEntry::dedupKey).toList();
        Set<String> distinct = new LinkedHashSet<>(keys);
        assertThat(keys.size()).isGreaterThan(distinct.size()); // at-least-once: re-delivered
        assertThat(memory.events().stream().map(AuditEvent::id).distinct()).hasSize(25);
    }

    @Test
    void spooledEventsAreRedeliveredAfterARestartAndTheFileVerifies() throws Exception {
        Path file = dir.resolve("audit.jsonl");
        AtomicBoolean down = new AtomicBoolean(true);
        try (AuditDispatcher first = dispatcher(new FlakySink(JsonlSink.open(file), down), 1 << 20)) {
            record(first, 15);
        }
        assertThat(Files.size(file)).isZero();
        assertThat(spooledFiles()).isNotEmpty();

        down.set(false);
        try (AuditDispatcher second = dispatcher(new FlakySink(JsonlSink.open(file), down), 1 << 20)) {
            record(second, 5);
        }

        VerificationResult result = AuditVerifier.trusting(new JWKSet(TestKeys.ED25519.toPublicJWK())).verify(file);
        assertThat(result.intact()).as(result.summary()).isTrue();
        assertThat(result.events()).isEqualTo(20);
        assertThat(result.streams()).isEqualTo(2);
        assertThat(spooledFiles()).isEmpty();
    }

    @Test
    void fullSpoolFailsClosedWithAClearError() {
        MemorySink sink = new MemorySink();
        sink.failing.set(true);
        // a generous wait, so only the full spool (not a slow, fsyncing disk) can refuse the event
        try (AuditDispatcher dispatcher = AuditDispatcher.builder().sink(sink).spool(dir.resolve("spool"), 4096)
                .queueCapacity(4).batchSize(1).backpressureWait(Duration.ofSeconds(2))
                .closeTimeout(Duration.ofMillis(100)).closeOnShutdown(false).build()) {
            assertThatThrownBy(() -> record(dispatcher, 200))
                    .isInstanceOf(AuditException.class)
                    .hasMessageContaining("refused because audit is required")
                    .hasMessageContaining("audit spool " + dir.resolve("spool"))
                    .hasMessageContaining("is full")
                    .hasMessageContaining("limit 4096");
        } catch (AuditException expectedAtClose) {
            assertThat(expectedAtClose).hasMessageContaining("could not be delivered");
        }
    }

    @Test
    void unusableSpoolDirectoryIsRejectedWhenBuilding() throws IOException {
        Path blocker = Files.writeString(dir.resolve("file"), "x");

        assertThatThrownBy(() -> dispatcher(new MemorySink(), 1 << 20, blocker.resolve("spool")))
                .isInstanceOf(AuditException.class)
                .hasMessageContaining("cannot use audit spool directory " + blocker.resolve("spool"))
                .hasMessageContaining("writable");
    }

    @Test
    void spoolThatBecomesUnwritableFailsClosedNamingTheDirectory() throws IOException {
        MemorySink sink = new MemorySink();
        sink.failing.set(true);
        try (AuditDispatcher dispatcher = AuditDispatcher.builder().sink(sink).spool(dir.resolve("spool"), 1 << 20)
                .queueCapacity(2).batchSize(1).backpressureWait(Duration.ofSeconds(2))
                .closeTimeout(Duration.ofMillis(100)).closeOnShutdown(false).build()) {
            Path sinkSpool;
            try (Stream<Path> dirs = Files.list(dir.resolve("spool"))) {
                sinkSpool = dirs.findFirst().orElseThrow();
            }
            Files.delete(sinkSpool);
            Files.writeString(sinkSpool, "a file where the spool directory was");

            assertThatThrownBy(() -> record(dispatcher, 50))
                    .isInstanceOf(AuditException.class)
                    .hasMessageContaining("cannot write to audit spool " + sinkSpool)
                    .hasMessageContaining("Check free space and permissions");
        } catch (AuditException expectedAtClose) {
            assertThat(expectedAtClose).hasMessageContaining("could not be delivered");
        }
    }

    @Test
    void diskSpoolKeepsOrderAcrossReopenAndIgnoresUnfinishedSegments() throws IOException {
        Path spoolDir = dir.resolve("s");
        DiskSpool spool = DiskSpool.open(spoolDir, 1 << 20);
        AuditEntry a = new AuditEntry.Event(AuditFixtures.event("a"), "{\"id\":\"a\"}");
        AuditEntry b = new AuditEntry.Event(AuditFixtures.event("b"), "{\"id\":\"b\"}");
        spool.append(List.of(a));
        spool.append(List.of(b));
        Files.writeString(spoolDir.resolve("00000000000000000099.tmp"), "half a bat");

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(spoolDir))).endsWith("------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(
                spoolDir.resolve("00000000000000000000.jsonl")))).endsWith("------");
        DiskSpool reopened = DiskSpool.open(spoolDir, 1 << 20);

        assertThat(reopened.segments()).isEqualTo(2);
        assertThat(Files.exists(spoolDir.resolve("00000000000000000099.tmp"))).isFalse();
        DiskSpool.Segment oldest = reopened.oldest().orElseThrow();
        assertThat(oldest.entries()).extracting(AuditEntry::json).containsExactly("{\"id\":\"a\"}");
        reopened.remove(oldest);
        assertThat(reopened.oldest().orElseThrow().entries()).extracting(AuditEntry::json).containsExactly("{\"id\":\"b\"}");
        assertThat(reopened.bytes()).isEqualTo(Files.size(spoolDir.resolve("00000000000000000001.jsonl")));
    }

    @Test
    void aSinkThatForcesLaterIsForcedBeforeABatchLeavesTheSpoolAndNotForBatchesItNeverTook() throws Exception {
        RecordingSink recording = new RecordingSink();
        recording.writeFails.set(true);
        SpoolingSink spooling = new SpoolingSink(recording, DiskSpool.open(dir.resolve("spool"), 1 << 20));
        spooling.write(List.of(entry("a")));
        spooling.flush();
        spooling.sync(); // the batch is in the spool, forced there: nothing for the failing sink to force
        assertThat(recording.calls).containsExactly("write");

        recording.writeFails.set(false);
        recording.calls.clear();
        spooling.close(); // drains: the spooled batch reaches the sink, forced before the spool lets it go

        assertThat(recording.calls).containsExactly("write", "flush", "sync", "close");
        assertThat(spooling.spool().isEmpty()).isTrue();
    }

    @Test
    void aBatchTheSinkTookButCouldNotForceGoesToTheSpoolWhenTheWriterRetriesIt() throws Exception {
        RecordingSink recording = new RecordingSink();
        recording.syncFails.set(true);
        SpoolingSink spooling = new SpoolingSink(recording, DiskSpool.open(dir.resolve("spool"), 1 << 20));
        spooling.write(List.of(entry("a")));
        spooling.flush();
        assertThatThrownBy(spooling::sync).hasMessageContaining("cannot force");

        recording.calls.clear();
        spooling.write(List.of(entry("a"))); // the writer's retry: the sink is backing off now
        spooling.sync();

        assertThat(recording.calls).isEmpty();
        assertThat(spooling.spool().segments()).isEqualTo(1);
    }

    private static AuditEntry entry(String id) {
        return new AuditEntry.Event(AuditFixtures.event(id), "{\"id\":\"" + id + "\"}");
    }

    /** Notes each call; its writes or its forces can be told to fail. */
    private static final class RecordingSink implements AuditSink {
        final List<String> calls = new java.util.concurrent.CopyOnWriteArrayList<>();
        final AtomicBoolean writeFails = new AtomicBoolean();
        final AtomicBoolean syncFails = new AtomicBoolean();

        @Override
        public void write(List<AuditEntry> batch) throws IOException {
            calls.add("write");
            if (writeFails.get()) {
                throw new IOException("collector down");
            }
        }

        @Override
        public void flush() {
            calls.add("flush");
        }

        @Override
        public void sync() throws IOException {
            calls.add("sync");
            if (syncFails.get()) {
                throw new IOException("cannot force the file");
            }
        }

        @Override
        public void close() {
            calls.add("close");
        }

        @Override
        public String describe() {
            return "recording:test";
        }
    }

    private AuditDispatcher dispatcher(AuditSink sink, long maxBytes) {
        return dispatcher(sink, maxBytes, dir.resolve("spool"));
    }

    private static AuditDispatcher dispatcher(AuditSink sink, long maxBytes, Path spool) {
        return AuditDispatcher.builder().sink(sink).spool(spool, maxBytes).checkpointEvery(5)
                .closeTimeout(Duration.ofMillis(300))
                .signer(CheckpointSigner.fromJwk(TestKeys.ED25519)).closeOnShutdown(false).build();
    }

    private static void record(AuditDispatcher dispatcher, int count) {
        for (int i = 0; i < count; i++) {
            dispatcher.record(AuditFixtures.event("agent:" + i));
        }
    }

    private List<Path> spooledFiles() throws IOException {
        Path root = dir.resolve("spool");
        if (!Files.exists(root)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(p -> p.toString().endsWith(".jsonl")).toList();
        }
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition not met in time").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    /** A real sink that can be switched off, keeping its description (and so its spool directory). */
    private static final class FlakySink extends ForwardingSink {
        private final AtomicBoolean down;

        FlakySink(AuditSink delegate, AtomicBoolean down) {
            super(delegate);
            this.down = down;
        }

        @Override
        public void write(List<AuditEntry> batch) throws IOException {
            if (down.get()) {
                throw new IOException("collector down");
            }
            super.write(batch);
        }
    }

    private static class ForwardingSink implements AuditSink {
        private final AuditSink delegate;

        ForwardingSink(AuditSink delegate) {
            this.delegate = delegate;
        }

        @Override
        public void write(List<AuditEntry> batch) throws IOException {
            delegate.write(batch);
        }

        @Override
        public void flush() throws IOException {
            delegate.flush();
        }

        @Override
        public void close() throws IOException {
            delegate.close();
        }

        @Override
        public String describe() {
            return delegate.describe();
        }
    }
}
