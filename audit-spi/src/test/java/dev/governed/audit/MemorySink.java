package dev.governed.audit;

import dev.governed.audit.sink.AuditEntry;
import dev.governed.audit.sink.AuditSink;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/** An in-memory sink for dispatcher tests that can be told to fail or to block. */
public final class MemorySink implements AuditSink {

    public final List<AuditEntry> entries = new CopyOnWriteArrayList<>();
    public final AtomicBoolean failing = new AtomicBoolean();
    public final AtomicInteger closes = new AtomicInteger();
    private volatile CountDownLatch gate = new CountDownLatch(0);

    public void block() {
        gate = new CountDownLatch(1);
    }

    public void unblock() {
        gate.countDown();
    }

    @Override
    public void write(List<AuditEntry> batch) throws IOException {
        try {
            gate.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (failing.get()) {
            throw new IOException("collector unreachable");
        }
        entries.addAll(batch);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {
        closes.incrementAndGet();
    }

    @Override
    public String describe() {
        return "memory:test";
    }

    public List<AuditEvent> events() {
        return entries.stream().filter(e -> e instanceof AuditEntry.Event)
                .map(e -> ((AuditEntry.Event) e).event()).toList();
    }
}
