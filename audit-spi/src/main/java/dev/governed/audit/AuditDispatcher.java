package dev.governed.audit;

import dev.governed.audit.chain.ChainHead;
import dev.governed.audit.chain.ChainStateFile;
import dev.governed.audit.chain.Checkpoint;
import dev.governed.audit.chain.CheckpointSigner;
import dev.governed.audit.chain.HashChain;
import dev.governed.audit.journal.EventJournal;
import dev.governed.audit.sink.AuditSink;
import dev.governed.audit.sink.AuditSinks;
import dev.governed.audit.sink.SinkSpec;
import dev.governed.audit.spool.SpoolingSink;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The asynchronous audit pipeline: {@link #record} puts the event on a bounded queue and returns;
 * one daemon writer thread drains the queue in batches, places each event in this dispatcher's
 * hash-chained stream, adds signed checkpoints at a fixed cadence and delivers every batch to all
 * sinks, retrying a failing sink (or spooling for it, when a spool is configured) so nothing is
 * dropped silently.
 *
 * <p>When the queue is full, {@code record} waits up to {@link Builder#backpressureWait} and then,
 * if audit is {@linkplain Builder#required required} (the default), throws {@link AuditException}
 * so the caller fails closed; otherwise it drops the event, counts it and logs a warning.
 * {@link #close()} delivers everything accepted so far, writes a final checkpoint and closes the
 * sinks. A JVM shutdown hook closes dispatchers that were not closed.
 */
public final class AuditDispatcher implements AuditRecorder {

    private static final Logger LOG = LoggerFactory.getLogger(AuditDispatcher.class);

    private final Queue<Object> queue = new ConcurrentLinkedQueue<>();
    private final Semaphore room;
    private final int capacity;
    private final int wakeThreshold;
    private final List<AuditSink> sinks;
    private final boolean spooling;
    private final Duration backpressureWait;
    private final boolean required;
    private final ChainStateFile chainState;
    private final Duration closeTimeout;
    private final HashChain chain;
    private final EventJournal journal;
    private final AuditWriter writer;
    private final Thread writerThread;
    private final Thread shutdownHook;
    private final LongAdder inFlight = new LongAdder();
    private final AtomicLong dropped = new AtomicLong();
    private volatile boolean closed;
    private final AtomicBoolean closing = new AtomicBoolean();

    private AuditDispatcher(Builder builder) {
        // a fair semaphore bounds the lock-free queue: no lock on the hot path, and a waiting caller
        // is served before later arrivals, so backpressure waits stay short and even
        this.capacity = builder.queueCapacity;
        this.wakeThreshold = Math.max(1, Math.min(builder.batchSize, capacity) / 4);
        this.room = new Semaphore(capacity, true);
        this.backpressureWait = builder.backpressureWait;
        this.required = builder.required;
        this.closeTimeout = builder.closeTimeout;
        this.chainState = builder.chainState == null ? null : new ChainStateFile(builder.chainState);
        this.spooling = builder.spoolDirectory != null;
        this.sinks = builder.spoolDirectory == null ? List.copyOf(builder.sinks)
                : SpoolingSink.wrapAll(builder.sinks, builder.spoolDirectory, builder.spoolMaxBytes);
        String stream = AuditIds.newId();
        this.chain = new HashChain(stream, resumeHead(builder.resume).orElse(null));
        HashChain.warmUp(); // class loading on the first batch would otherwise stall early callers
        if (builder.signer != null) {
            // the first signature loads the JOSE and curve code: hundreds of ms in which the queue fills up
            builder.signer.sign("warm-up", 0, HashChain.GENESIS, java.time.Instant.now());
        }
        this.journal = builder.journalDirectory == null ? null
                : EventJournal.open(builder.journalDirectory,
                        EventJournal.fileNameFor(builder.sinks.stream().map(AuditSink::describe).toList()),
                        builder.journalMaxBytes);
        this.writer = new AuditWriter(queue, room, sinks, chain, builder.batchSize, builder.checkpointEvery,
                builder.checkpointInterval, builder.signer, chainState, journal);
        this.writerThread = new Thread(writer, "governed-audit-writer-" + stream.substring(stream.length() - 12));
        this.writerThread.setDaemon(true);
        this.writerThread.start();
        this.shutdownHook = builder.closeOnShutdown ? new Thread(this::closeAtShutdown, "governed-audit-shutdown") : null;
        if (shutdownHook != null) {
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A dispatcher with default settings for the sinks of a {@code governed.audit} list ({@link SinkSpec}). */
    public static AuditDispatcher fromSpec(String spec) {
        return builder().sinks(spec).build();
    }

    /**
     * A dispatcher configured from {@code governed.audit*} properties; see
     * {@link Builder#configure(Map)} for the keys.
     */
    public static AuditDispatcher fromProperties(Map<String, String> properties) {
        return builder().configure(properties).build();
    }

    /** The id of this dispatcher's chain stream (a UUIDv7, new for every instance). */
    public String stream() {
        return chain.stream();
    }

    /** Events dropped because the queue stayed full and audit was not required; always 0 when required. */
    public long droppedCount() {
        return dropped.get();
    }

    @Override
    public void record(AuditEvent event) {
        Objects.requireNonNull(event, "event");
        inFlight.increment();
        try {
            if (closed) {
                throw new AuditException("audit dispatcher is closed; event " + event.id()
                        + " was not recorded. Record events before closing it, or create a new dispatcher");
            }
            long waitNanos = backpressureWait.toNanos();
            long start = journal == null ? 0 : System.nanoTime();
            if (!room.tryAcquire(waitNanos, TimeUnit.NANOSECONDS)) {
                rejectFull(event);
                return;
            }
            if (journal == null) {
                enqueue(event);
                return;
            }
            long position;
            try {
                position = journal.append(event, Math.max(0, waitNanos - (System.nanoTime() - start)));
            } catch (RuntimeException e) {
                room.release();
                rejectJournal(event, e);
                return;
            }
            enqueue(new EventJournal.Entry(event, position));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AuditException("interrupted while waiting for room in the audit queue; event "
                    + event.id() + " was not recorded", e);
        } finally {
            inFlight.decrement();
        }
    }

    // an event wakes the writer only from its sleep, or from lingering once a good part of a batch is
    // queued: most records then cost no system call; flush and close always wake it
    private void enqueue(Object item) {
        queue.offer(item);
        int waiting = writer.waiting;
        if (waiting == AuditWriter.ASLEEP
                || waiting == AuditWriter.LINGERING && (!(item instanceof AuditEvent || item instanceof EventJournal.Entry)
                        || capacity - room.availablePermits() >= wakeThreshold)) {
            LockSupport.unpark(writerThread);
        }
    }

    private void rejectFull(AuditEvent event) {
        String failure = writer.lastFailure;
        String why = "the audit queue (capacity " + capacity + ") stayed full for "
                + backpressureWait.toMillis() + " ms because the sinks " + describeSinks() + " are not keeping up"
                + (failure == null ? "" : " (last failure: " + failure + ")");
        if (required) {
            throw new AuditException(why + "; event " + event.id() + " was refused because audit is required."
                    + (spooling ? " Fix the sink or free the spool; raising queueCapacity only buys time"
                    : " Fix the sink, raise queueCapacity, or configure a spool directory"));
        }
        long count = dropped.incrementAndGet();
        if (count == 1 || Long.bitCount(count) == 1) {
            LOG.warn("{}; dropped event {} ({} dropped so far) because audit is not required", why, event.id(), count);
        }
    }

    private void rejectJournal(AuditEvent event, RuntimeException failure) {
        if (required) {
            throw failure instanceof AuditException audit ? audit
                    : new AuditException("cannot write event " + event.id() + " to the audit journal: " + failure, failure);
        }
        long count = dropped.incrementAndGet();
        if (count == 1 || Long.bitCount(count) == 1) {
            LOG.warn("{}; dropped ({} so far) because audit is not required", failure.getMessage(), count);
        }
    }

    /** Waits until every event recorded before this call is delivered to all sinks (30 s at most). */
    public void flush() {
        flush(Duration.ofSeconds(30));
    }

    public void flush(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            if (closed) {
                writerThread.join(Math.max(1, timeout.toMillis()));
                return;
            }
            CompletableFuture<Void> done = new CompletableFuture<>();
            enqueue(done);
            if (closed) {
                // close() may have queued its stop marker before ours; the writer's end is the flush then
                writerThread.join(Math.max(1, timeout.toMillis()));
                return;
            }
            done.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AuditException("interrupted while flushing audit events", e);
        } catch (TimeoutException e) {
            throw flushTimeout(timeout);
        } catch (ExecutionException e) {
            throw new AuditException("audit flush failed: " + e.getCause().getMessage(), e.getCause());
        }
    }

    private AuditException flushTimeout(Duration timeout) {
        String failure = writer.lastFailure;
        return new AuditException("audit events were not delivered within " + timeout.toMillis() + " ms to "
                + describeSinks() + (failure == null ? "" : "; last failure: " + failure)
                + ". They stay queued and are retried; check the sink");
    }

    /**
     * Delivers every accepted event, writes a final checkpoint and closes the sinks. Keeps trying a
     * failing sink, spooled batches included, up to the close timeout; then throws
     * {@link AuditException} if entries could be neither delivered nor spooled (spooled ones stay on
     * disk and are delivered by the next dispatcher using the same spool).
     */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            joinWriter(); // a concurrent close (e.g. the shutdown hook) does the work
            return;
        }
        closed = true;
        writer.closeBy(System.nanoTime() + closeTimeout.toNanos());
        try {
            while (inFlight.sum() > 0) {
                LockSupport.parkNanos(100_000); // callers still inside record() get their answer first
            }
            enqueue(AuditWriter.STOP);
            writerThread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AuditException("interrupted while closing the audit dispatcher; queued events may be undelivered", e);
        } finally {
            closeSinks();
            if (journal != null) {
                journal.close();
            }
            removeShutdownHook();
        }
        long undelivered = writer.undelivered.get();
        if (undelivered > 0) {
            throw new AuditException(undelivered + " audit entries could not be delivered to "
                    + describeSinks() + " before close: " + writer.lastFailure
                    + ". Configure a spool directory so entries survive a sink outage");
        }
    }

    private void joinWriter() {
        try {
            writerThread.join(closeTimeout.toMillis() + 1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void closeAtShutdown() {
        try {
            close();
        } catch (RuntimeException e) {
            LOG.error("closing the audit dispatcher at JVM shutdown failed: {}", e.getMessage());
        }
    }

    private void removeShutdownHook() {
        if (shutdownHook == null || Thread.currentThread() == shutdownHook) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shutdownInProgress) {
            // the hook runs or ran already
        }
    }

    private void closeSinks() {
        for (AuditSink each : sinks) {
            try {
                each.close();
            } catch (IOException | RuntimeException e) {
                LOG.error("closing audit sink {} failed: {}", each.describe(), e.getMessage());
            }
        }
    }

    private Optional<String> resumeHead(boolean resume) {
        if (!resume) {
            return Optional.empty();
        }
        Optional<ChainHead> inSink = Optional.empty();
        for (AuditSink each : sinks) {
            try {
                inSink = each.lastHead();
                if (inSink.isPresent()) {
                    break;
                }
            } catch (IOException | RuntimeException e) {
                LOG.warn("cannot read the last checkpoint of {} to resume the chain: {}", each.describe(), e.getMessage());
            }
        }
        if (chainState != null) {
            Optional<Checkpoint> saved = chainState.read();
            if (saved.isPresent()) {
                // a crashed predecessor may have delivered events after its last checkpoint: continue from the last
                ChainHead last = inSink.orElse(null);
                boolean sameStreamLater = last != null && last.stream().equals(saved.get().stream())
                        && last.seq() >= saved.get().seq();
                return Optional.of(sameStreamLater ? last.hash() : saved.get().head());
            }
        }
        return inSink.map(ChainHead::hash);
    }

    private String describeSinks() {
        return sinks.stream().map(AuditSink::describe).toList().toString();
    }

    /**
     * Settings for an {@link AuditDispatcher}; every setting has a default except the sinks.
     * Read as a sentence: {@code AuditDispatcher.builder().sinks("jsonl:/var/log/a.jsonl").queueCapacity(8192).build()}.
     */
    public static final class Builder {
        private final List<AuditSink> sinks = new ArrayList<>();
        private int queueCapacity = 8192;
        private int batchSize = 4096;
        private Duration backpressureWait = Duration.ofMillis(500);
        private boolean required = true;
        private int checkpointEvery = 1000;
        private Duration checkpointInterval = Duration.ofSeconds(10);
        private CheckpointSigner signer;
        private Path chainState;
        private boolean resume = true;
        private Path spoolDirectory;
        private long spoolMaxBytes = AuditProperties.DEFAULT_SPOOL_BYTES;
        private Duration closeTimeout = Duration.ofSeconds(30);
        private boolean closeOnShutdown = true;
        private Path journalDirectory;
        private long journalMaxBytes = EventJournal.DEFAULT_CAPACITY;

        private Builder() {}

        public Builder sink(AuditSink sink) {
            sinks.add(Objects.requireNonNull(sink, "sink"));
            return this;
        }

        /** Adds the sinks of a {@code governed.audit} list (syntax in {@link SinkSpec}). */
        public Builder sinks(String spec) {
            sinks.addAll(AuditSinks.open(spec));
            return this;
        }

        /** Events held in memory before {@code record} applies backpressure; default 8192. */
        public Builder queueCapacity(int capacity) {
            if (capacity < 1) {
                throw new IllegalArgumentException("queueCapacity must be at least 1, was " + capacity);
            }
            this.queueCapacity = capacity;
            return this;
        }

        /**
         * Most events written to the sinks in one batch; default 4096. Only a writer that fell
         * behind takes full batches, and then one write and one fsync serve them all.
         */
        public Builder batchSize(int size) {
            if (size < 1) {
                throw new IllegalArgumentException("batchSize must be at least 1, was " + size);
            }
            this.batchSize = size;
            return this;
        }

        /** How long {@code record} waits for room in a full queue; default 500 ms. */
        public Builder backpressureWait(Duration wait) {
            this.backpressureWait = requireNonNegative(wait, "backpressureWait");
            return this;
        }

        /** Whether an event that cannot be queued fails the caller (true, default) or is dropped and counted. */
        public Builder required(boolean isRequired) {
            this.required = isRequired;
            return this;
        }

        /** A checkpoint after every {@code events} events (0: only by time and at close); default 1000. */
        public Builder checkpointEvery(int events) {
            if (events < 0) {
                throw new IllegalArgumentException("checkpointEvery must not be negative, was " + events);
            }
            this.checkpointEvery = events;
            return this;
        }

        /** A checkpoint at least this often while events arrive (zero: never by time); default 10 s. */
        public Builder checkpointInterval(Duration interval) {
            this.checkpointInterval = requireNonNegative(interval, "checkpointInterval");
            return this;
        }

        /** Signs checkpoints; without a signer checkpoints carry {@code "signature":null}. */
        public Builder signer(CheckpointSigner checkpointSigner) {
            this.signer = checkpointSigner;
            return this;
        }

        /** Signs checkpoints with the private JWK in this file (Ed25519 OKP or P-256 EC, with a kid). */
        public Builder signingKey(Path jwkFile) {
            this.signer = CheckpointSigner.fromJwkFile(jwkFile);
            return this;
        }

        /**
         * A file that remembers the last delivered checkpoint, so a restarted dispatcher links its
         * stream to the previous one. Without it the last checkpoint is read back from the sinks.
         */
        public Builder chainState(Path file) {
            this.chainState = file;
            return this;
        }

        /** Whether to link the new stream to the last checkpoint found (default true). */
        public Builder resume(boolean resumeChain) {
            this.resume = resumeChain;
            return this;
        }

        /**
         * Spools batches a sink cannot take to {@code directory} (one sub-directory per sink) and
         * re-delivers them in order when it recovers, also after a restart. Beyond {@code maxBytes}
         * the spool refuses further batches and the dispatcher fails closed.
         */
        public Builder spool(Path directory, long maxBytes) {
            if (maxBytes < 1) {
                throw new IllegalArgumentException("spool maxBytes must be positive, was " + maxBytes);
            }
            this.spoolDirectory = Objects.requireNonNull(directory, "directory");
            this.spoolMaxBytes = maxBytes;
            return this;
        }

        /**
         * Makes every accepted event survive {@code kill -9}: {@code record} copies it into a
         * memory-mapped journal in {@code directory} before returning, and the next dispatcher on
         * that directory delivers what was left undelivered (see {@link EventJournal} for the fsync
         * policy). {@code maxBytes} bounds the journal; when undelivered events fill it,
         * {@code record} waits like for the queue, then fails closed. The file is named after the
         * sinks, so dispatchers with different sinks can share a directory; two live dispatchers
         * with the same sinks cannot.
         */
        public Builder journal(Path directory, long maxBytes) {
            this.journalDirectory = Objects.requireNonNull(directory, "directory");
            this.journalMaxBytes = (maxBytes + 15) & -16L;
            return this;
        }

        /** How long {@code close} keeps retrying a failing sink; default 30 s. */
        public Builder closeTimeout(Duration timeout) {
            this.closeTimeout = requireNonNegative(timeout, "closeTimeout");
            return this;
        }

        /** Whether a JVM shutdown hook closes the dispatcher if the application did not (default true). */
        public Builder closeOnShutdown(boolean close) {
            this.closeOnShutdown = close;
            return this;
        }

        /**
         * Applies {@code governed.audit*} properties; keys not starting with {@code governed.audit}
         * are ignored, unknown {@code governed.audit.*} keys are rejected.
         * <ul>
         * <li>{@code governed.audit} — the sink list (required; syntax in {@link SinkSpec})
         * <li>{@code governed.audit.required} — {@code true} (default) or {@code false}, see {@link #required}
         * <li>{@code governed.audit.queue} — queue capacity in events
         * <li>{@code governed.audit.backpressure} — wait for room, e.g. {@code 500ms}, {@code 2s}
         * <li>{@code governed.audit.key} — private JWK file that signs checkpoints
         * <li>{@code governed.audit.checkpoint.every} — events between checkpoints
         * <li>{@code governed.audit.checkpoint.interval} — time between checkpoints, e.g. {@code 10s}
         * <li>{@code governed.audit.spool} — spool directory; {@code governed.audit.spool.maxSize} its limit, e.g. {@code 256MB}
         * <li>{@code governed.audit.state} — chain state file, see {@link #chainState}
         * <li>{@code governed.audit.journal} — kill -9 journal directory; {@code governed.audit.journal.maxSize} its size,
         *     e.g. {@code 64MB} (see {@link #journal})
         * </ul>
         */
        public Builder configure(Map<String, String> properties) {
            AuditProperties.apply(properties, this);
            return this;
        }

        public AuditDispatcher build() {
            if (sinks.isEmpty()) {
                throw new AuditException("an audit dispatcher needs at least one sink; add one with sink(...) or sinks(\"jsonl:/path\")");
            }
            try {
                return new AuditDispatcher(this);
            } catch (RuntimeException e) {
                for (AuditSink each : sinks) {
                    try {
                        each.close();
                    } catch (IOException | RuntimeException suppressed) {
                        e.addSuppressed(suppressed);
                    }
                }
                throw e;
            }
        }

        private static Duration requireNonNegative(Duration value, String name) {
            if (value == null || value.isNegative()) {
                throw new IllegalArgumentException(name + " must be zero or positive, was " + value);
            }
            return value;
        }
    }
}
