package dev.governed.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.governed.audit.sink.AuditEntry;
import dev.governed.audit.sink.AuditSink;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DiscardingSinkTest {

    /** A sink that says it discards, and counts what it is handed anyway. */
    private static final class Discarding implements AuditSink {
        final AtomicInteger entries = new AtomicInteger();

        @Override
        public void write(List<AuditEntry> batch) {
            entries.addAndGet(batch.size());
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}

        @Override
        public String describe() {
            return "discarding";
        }

        @Override
        public boolean discards() {
            return true;
        }
    }

    @Test
    void onlyDiscardingSinksAreNotChainedOrHandedEntries() {
        Discarding sink = new Discarding();
        try (AuditDispatcher dispatcher = AuditDispatcher.builder().sink(sink).checkpointEvery(2).build()) {
            for (int i = 0; i < 5; i++) {
                dispatcher.record(AuditFixtures.event("a"));
            }
            dispatcher.flush();
        }
        assertThat(sink.entries).hasValue(0);
    }

    @Test
    void aReadingSinkNextToADiscardingOneStillGetsTheWholeChain() {
        Discarding discarding = new Discarding();
        MemorySink reading = new MemorySink();
        try (AuditDispatcher dispatcher = AuditDispatcher.builder().sink(discarding).sink(reading).build()) {
            for (int i = 0; i < 5; i++) {
                dispatcher.record(AuditFixtures.event("a"));
            }
            dispatcher.flush();
        }
        assertThat(reading.events()).hasSize(5);
        assertThat(reading.events().get(4).chain().seq()).isEqualTo(5);
        assertThat(discarding.entries.get()).isGreaterThanOrEqualTo(5);
    }
}
