package dev.governed.audit;

import dev.governed.audit.chain.ChainStateFile;
import dev.governed.audit.chain.Checkpoint;
import dev.governed.audit.chain.CheckpointSigner;
import dev.governed.audit.chain.HashChain;
import dev.governed.audit.journal.EventJournal;
import dev.governed.audit.sink.AuditEntry;
import dev.governed.audit.sink.AuditSink;
import dev.governed.audit.spool.SpoolingSink;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dispatcher's single writer: takes batches off the queue, places each event in the hash
 * chain, adds checkpoints, and delivers every batch to all sinks, retrying a failing one until it
 * takes the batch or the close deadline passes. Owning the chain on this one thread is what keeps
 * {@link AuditDispatcher#record} free of locks.
 */
final class AuditWriter implements Runnable {

    static final Object STOP = new Object();
    private static final Logger LOG = LoggerFactory.getLogger(AuditDispatcher.class);

    private final Queue<Object> queue;
    private final Semaphore room;
    private final List<AuditSink> sinks;
    private final HashChain chain;
    private final int batchSize;
    private final int checkpointEvery;
    private final Duration checkpointInterval;
    private final CheckpointSigner signer;
    private final ChainStateFile chainState;
    private final EventJournal journal;
    private final ArrayDeque<EventJournal.Entry> recovered;
    /** Every sink discards and nothing else reads the chain: chaining and encoding would be wasted work. */
    private final boolean discarding;
    private long[] journaled = new long[64];
    private int journaledCount;
    final AtomicLong undelivered = new AtomicLong();
    /** Not waiting; lingering a moment for more events (callers need not wake it); asleep (callers wake it). */
    static final int BUSY = 0;
    static final int LINGERING = 1;
    static final int ASLEEP = 2;
    /*
     * Each wake-up of the writer costs the callers a context switch and warm caches when they share a CPU
     * (measured on one pinned CPU: a 500 µs linger cost a PostgreSQL point select 1 µs more than 2 ms).
     * 2 ms keeps a batch's delivery prompt; a writer that only discards has nothing to deliver, so it
     * wakes when a quarter batch is queued, or for a flush or close, as callers wake a lingering writer.
     */
    private static final long LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
    private static final long DISCARDING_LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private final long lingerNanos;
    volatile int waiting = BUSY;
    volatile String lastFailure;
    private volatile long closeDeadlineNanos;
    private volatile boolean closing;

    private long eventsSinceCheckpoint;
    private long lastCheckpointNanos = System.nanoTime();

    AuditWriter(Queue<Object> queue, Semaphore room, List<AuditSink> sinks, HashChain chain, int batchSize,
            int checkpointEvery, Duration checkpointInterval, CheckpointSigner signer, ChainStateFile chainState,
            EventJournal journal) {
        this.queue = queue;
        this.room = room;
        this.sinks = sinks;
        this.chain = chain;
        this.batchSize = batchSize;
        this.checkpointEvery = checkpointEvery;
        this.checkpointInterval = checkpointInterval;
        this.signer = signer;
        this.chainState = chainState;
        this.journal = journal;
        // a crashed predecessor's undelivered events go first, ahead of anything recorded now
        this.recovered = new ArrayDeque<>(journal == null ? List.of() : journal.recovered());
        this.discarding = !sinks.isEmpty() && journal == null && chainState == null
                && sinks.stream().allMatch(AuditSink::discards);
        this.lingerNanos = discarding ? DISCARDING_LINGER_NANOS : LINGER_NANOS;
    }

    /** From now on, a failing sink is retried only until {@code deadlineNanos} (a {@link System#nanoTime} value). */
    void closeBy(long deadlineNanos) {
        closeDeadlineNanos = deadlineNanos;
        closing = true;
    }

    private boolean closeDeadlinePassed() {
        return closing && System.nanoTime() - closeDeadlineNanos > 0;
    }

    @Override
    public void run() {
        List<Object> items = new ArrayList<>(batchSize);
        boolean stop = false;
        while (!stop) {
            try {
                // only close() ends the writer; a stray interrupt would make parkNanos spin
                Thread.interrupted();
                items.clear();
                takeBatch(items);
                if (items.isEmpty()) {
                    drainSpools();
                }
                stop = process(items);
            } catch (RuntimeException | Error e) {
                LOG.error("audit writer failed unexpectedly; continuing", e);
            }
        }
        drainSpoolsBeforeClose();
        // flush requests that raced with close: everything before them is written now
        for (Object each = queue.poll(); each != null; each = queue.poll()) {
            if (each instanceof CompletableFuture<?> flush) {
                flush.complete(null);
            }
        }
    }

    // spooled batches are safe on disk, but an application that never restarts would strand them
    private void drainSpoolsBeforeClose() {
        while (spooledBatches() > 0 && !closeDeadlinePassed()) {
            drainSpools();
            if (spooledBatches() > 0) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
            }
        }
        for (AuditSink each : sinks) {
            if (each instanceof SpoolingSink spooling && !spooling.spool().isEmpty()) {
                LOG.warn("{} audit batches stay in the spool {} because {} is still failing ({}); they are delivered"
                        + " when a dispatcher with this spool starts again", spooling.spool().segments(),
                        spooling.spool().directory(), each.describe(), lastFailure);
            }
        }
    }

    private int spooledBatches() {
        int result = 0;
        for (AuditSink each : sinks) {
            if (each instanceof SpoolingSink spooling) {
                result += spooling.spool().segments();
            }
        }
        return result;
    }

    private void takeBatch(List<Object> items) {
        if (!recovered.isEmpty()) {
            while (items.size() < batchSize && !recovered.isEmpty()) {
                items.add(recovered.poll()); // never took room in the queue, so none is given back
            }
            return;
        }
        Object first = queue.poll();
        if (first == null) {
            // linger first: a caller then queues without a wake-up system call, and the batch grows
            waiting = LINGERING;
            LockSupport.parkNanos(this, lingerNanos);
            first = queue.poll();
        }
        if (first == null) {
            waiting = ASLEEP;
            first = queue.poll(); // re-check after announcing the sleep, so no wake-up is lost
            if (first == null) {
                LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(Math.min(1000, millisUntilCheckpoint())));
                first = queue.poll();
            }
        }
        waiting = BUSY;
        int events = 0;
        for (Object each = first; each != null; each = items.size() < batchSize ? queue.poll() : null) {
            items.add(each);
            if (each instanceof AuditEvent || each instanceof EventJournal.Entry) {
                events++;
            }
        }
        // room is returned once the events left the queue; the batch itself is bounded by batchSize
        room.release(events);
    }

    // a spool otherwise drains only when the next batch arrives
    private void drainSpools() {
        for (AuditSink each : sinks) {
            if (each instanceof SpoolingSink spooling) {
                try {
                    spooling.drain();
                } catch (IOException | RuntimeException e) {
                    LOG.warn("draining the audit spool of {} failed: {}", each.describe(), e.getMessage());
                }
            }
        }
    }

    private boolean process(List<Object> items) {
        List<AuditEntry> entries = new ArrayList<>(items.size() + 1);
        List<CompletableFuture<Void>> flushes = new ArrayList<>();
        boolean stop = false;
        boolean checkpointed = false;
        journaledCount = 0;
        for (Object each : items) {
            if (each instanceof EventJournal.Entry entry) {
                remember(entry.position());
                each = entry.event();
            }
            if (each instanceof AuditEvent && discarding) {
                continue;
            }
            if (each instanceof AuditEvent event) {
                HashChain.Linked linked;
                try {
                    linked = chain.append(event);
                } catch (RuntimeException e) {
                    undelivered.incrementAndGet();
                    LOG.error("audit event {} cannot be serialised and is not recorded: {}", event.id(), e.getMessage());
                    continue;
                }
                entries.add(new AuditEntry.Event(linked.event(), linked.json()));
                eventsSinceCheckpoint++;
                if (checkpointEvery > 0 && eventsSinceCheckpoint >= checkpointEvery) {
                    entries.add(checkpoint());
                    checkpointed = true;
                }
            } else if (each instanceof CompletableFuture<?> flush) {
                @SuppressWarnings("unchecked")
                CompletableFuture<Void> typed = (CompletableFuture<Void>) flush;
                flushes.add(typed);
            } else if (each == STOP) {
                stop = true;
            }
        }
        if (eventsSinceCheckpoint > 0 && (stop || millisUntilCheckpoint() == 0)) {
            entries.add(checkpoint());
            checkpointed = true;
        }
        // a sink that defers forcing (group commit) must not hold back what a caller waits for, nor a
        // checkpoint the chain state file may already name
        boolean durable = stop || !flushes.isEmpty() || checkpointed;
        if (entries.isEmpty() && durable && !syncAll()) {
            AuditException failure = new AuditException("delivered audit entries could not be forced to storage: "
                    + lastFailure);
            flushes.forEach(f -> f.completeExceptionally(failure));
            return stop;
        }
        boolean delivered = entries.isEmpty() || deliver(entries, durable);
        if (journal != null && journaledCount > 0 && delivered) {
            for (int i = 0; i < journaledCount; i++) {
                journal.delivered(journaled[i]);
            }
            journal.trim();
        }
        flushes.forEach(f -> f.complete(null));
        return stop;
    }

    /** A flush request with no new entries: what earlier batches left unforced is forced now. */
    private boolean syncAll() {
        boolean synced = true;
        for (AuditSink sink : sinks) {
            try {
                sink.sync();
            } catch (IOException | RuntimeException e) {
                synced = false;
                lastFailure = sink.describe() + ": " + e.getMessage();
                LOG.warn("audit sink could not force delivered entries to storage: {}", lastFailure);
            }
        }
        return synced;
    }

    private void remember(long position) {
        if (journaledCount == journaled.length) {
            journaled = Arrays.copyOf(journaled, journaled.length * 2);
        }
        journaled[journaledCount++] = position;
    }

    private long millisUntilCheckpoint() {
        if (checkpointInterval.isZero() || eventsSinceCheckpoint == 0) {
            return checkpointInterval.isZero() ? 1000 : checkpointInterval.toMillis();
        }
        long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastCheckpointNanos);
        return Math.max(0, checkpointInterval.toMillis() - elapsed);
    }

    private AuditEntry checkpoint() {
        Instant now = Instant.now();
        Checkpoint checkpoint = signer == null
                ? new Checkpoint(chain.stream(), chain.seq(), chain.head(), now, null)
                : signer.sign(chain.stream(), chain.seq(), chain.head(), now);
        eventsSinceCheckpoint = 0;
        lastCheckpointNanos = System.nanoTime();
        return AuditEntry.of(checkpoint);
    }

    /** True once every sink took the batch; false when close gave up (journaled events then stay for the next start). */
    private boolean deliver(List<AuditEntry> entries, boolean durable) {
        Set<AuditSink> pending = new LinkedHashSet<>(sinks);
        long backoffMillis = 50;
        while (true) {
            for (var it = pending.iterator(); it.hasNext(); ) {
                AuditSink sink = it.next();
                try {
                    sink.write(entries);
                    sink.flush();
                    if (durable) {
                        sink.sync();
                    }
                    it.remove();
                } catch (IOException | RuntimeException e) {
                    String failure = sink.describe() + ": " + e.getMessage();
                    if (!failure.equals(lastFailure)) {
                        LOG.warn("audit sink failed, retrying: {}", failure);
                    }
                    lastFailure = failure;
                }
            }
            if (pending.isEmpty()) {
                lastFailure = null;
                saveChainState(entries);
                return true;
            }
            if (closeDeadlinePassed()) {
                undelivered.addAndGet(entries.size());
                LOG.error("gave up delivering {} audit entries at close: {}", entries.size(), lastFailure);
                return false;
            }
            sleep(backoffMillis);
            backoffMillis = Math.min(backoffMillis * 2, 2000);
        }
    }

    private void saveChainState(List<AuditEntry> entries) {
        if (chainState == null) {
            return;
        }
        for (int i = entries.size() - 1; i >= 0; i--) {
            if (entries.get(i) instanceof AuditEntry.CheckpointEntry checkpoint) {
                try {
                    chainState.write(checkpoint.checkpoint());
                } catch (IOException e) {
                    LOG.warn("cannot save the audit chain state to {}: {}; a restart will start an unlinked chain",
                            chainState.file(), e.getMessage());
                }
                return;
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            // the writer ignores interrupts; see run()
        }
    }
}
