package dev.governed.audit.journal;

import dev.governed.audit.AuditDispatcher;
import dev.governed.audit.AuditEvent;
import dev.governed.audit.AuditFixtures;
import dev.governed.audit.sink.AuditEntry;
import dev.governed.audit.sink.AuditSink;
import dev.governed.audit.sink.JsonlSink;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * The process {@link JournalKillTest} kills: records events from four threads into a dispatcher
 * with a journal and a slow jsonl sink (so many events are still queued at any moment), printing
 * {@code recorded <id>} once each {@code record} returned. Runs until killed.
 */
public final class JournalChild {

    private JournalChild() {}

    public static void main(String[] args) throws Exception {
        Path journal = Path.of(args[0]);
        Path file = Path.of(args[1]);
        AuditDispatcher dispatcher = AuditDispatcher.builder()
                .sink(new SlowSink(JsonlSink.open(file)))
                .journal(journal, 1L << 20)
                .queueCapacity(100_000)
                .backpressureWait(java.time.Duration.ofSeconds(30))
                .checkpointEvery(100)
                .closeOnShutdown(false)
                .build();
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false, "UTF-8");
        for (int t = 0; t < 4; t++) {
            int thread = t;
            new Thread(() -> {
                for (int i = 0; ; i++) {
                    AuditEvent event = AuditFixtures.event("agent:" + thread + ":" + i);
                    dispatcher.record(event);
                    synchronized (out) {
                        out.println("recorded " + event.id());
                        out.flush();
                    }
                }
            }).start();
        }
        Thread.sleep(Long.MAX_VALUE);
    }

    private record SlowSink(JsonlSink delegate) implements AuditSink {
        @Override
        public void write(List<AuditEntry> batch) throws IOException {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
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
            return delegate.describe(); // the journal belongs to the destination, slow or not
        }

        @Override
        public java.util.Optional<dev.governed.audit.chain.Checkpoint> lastCheckpoint() throws IOException {
            return delegate.lastCheckpoint();
        }
    }
}
