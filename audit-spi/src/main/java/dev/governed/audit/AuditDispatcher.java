package dev.governed.audit;

import dev.governed.audit.chain.ChainStateFile;
import dev.governed.audit.chain.Checkpoint;
import dev.governed.audit.chain.CheckpointSigner;
import dev.governed.audit.chain.HashChain;
import dev.governed.audit.sink.AuditEntry;
import dev.governed.audit.sink.AuditSink;
import dev.governed.audit.sink.AuditSinks;
import dev.governed.audit.spool.SpoolingSink;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
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
    private static final Object STOP = new Object();

    private final BlockingQueue<Object> queue;
    private final List<AuditSink> sinks;
    private final int batchSize;
    private final Duration backpressureWait;
    private final boolean required;
    private final int checkpointEvery;
    private final Duration checkpointInterval;
    private final CheckpointSigner signer;
    private final ChainStateFile chainState;
    private final Duration closeTimeout;
    private final HashChain chain;
    private final Thread writer;
    private final Thread shutdownHook;
    private final LongAdder inFlight = new LongAdder();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong undelivered = new AtomicLong();
    private volatile boolean closed;
    private volatile String lastFailure;
    private volatile long closeDeadlineNanos = Long.MAX_VALUE;

    // writer-thread state
    private long eventsSinceCheckpoint;
    private long lastCheckpointNanos = System.nanoTime();

    private AuditDispatcher(Builder builder) {
        this.queue = new ArrayBlockingQueue<>(builder.queueCapacity);
        this.batchSize = builder.batchSize;
        this.backpressureWait = builder.backpressureWait;
        this.required = builder.required;
        this.checkpointEvery = builder.checkpointEvery;
        this.checkpointInterval = builder.checkpointInterval;
        this.signer = builder.signer;
        this.closeTimeout = builder.closeTimeout;
        this.chainState = builder.chainState == null ? null : new ChainStateFile(builder.chainState);
        this.sinks = builder.spoolDirectory == null ? List.copyOf(builder.sinks)
                : SpoolingSink.wrapAll(builder.sinks, builder.spoolDirectory, builder.spoolMaxBytes);
        String stream = AuditIds.newId();
        this.chain = new HashChain(stream, resumeHead(builder.resume).orElse(null));
        this.writer = new Thread(this::runWriter, "governed-audit-writer-" + stream.substring(stream.length() - 12));
        this.writer.setDaemon(true);
        this.writer.start();
        this.shutdownHook = builder.closeOnShutdown ? new Thread(this::closeAtShutdown, "governed-audit-shutdown") : null;
        if (shutdownHook != null) {
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A dispatcher with default settings for the sinks of a {@code governed.audit} list ({@link dev.governed.audit.sink.SinkSpec}). */
    public static AuditDispatcher fromSpec(String spec) {
        return builder().sinks(spec).build();
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
            if (queue.offer(event) || queue.offer(event, backpressureWait.toNanos(), TimeUnit.NANOSECONDS)) {
                return;
            }
            rejectFull(event);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AuditException("interrupted while waiting for room in the audit queue; event "
                    + event.id() + " was not recorded", e);
        } finally {
            inFlight.decrement();
        }
    }

    private void rejectFull(AuditEvent event) {
        String failure = lastFailure;
        String why = "the audit queue (capacity " + (queue.size() + queue.remainingCapacity()) + ") stayed full for "
                + backpressureWait.toMillis() + " ms because the sinks " + describeSinks() + " are not keeping up"
                + (failure == null ? "" : " (last failure: " + failure + ")");
        if (required) {
            throw new AuditException(why + "; event " + event.id() + " was refused because audit is required."
                    + " Fix the sink, raise queueCapacity, or configure a spool directory");
        }
        long count = dropped.incrementAndGet();
        if (count == 1 || Long.bitCount(count) == 1) {
            LOG.warn("{}; dropped event {} ({} dropped so far) because audit is not required", why, event.id(), count);
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
                writer.join(Math.max(1, timeout.toMillis()));
                return;
            }
            CompletableFuture<Void> done = new CompletableFuture<>();
            if (!queue.offer(done, timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                throw flushTimeout(timeout);
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
        String failure = lastFailure;
        return new AuditException("audit events were not delivered within " + timeout.toMillis() + " ms to "
                + describeSinks() + (failure == null ? "" : "; last failure: " + failure)
                + ". They stay queued and are retried; check the sink");
    }

    /**
     * Delivers every accepted event, writes a final checkpoint and closes the sinks. Waits up to
     * the close timeout for a failing sink; throws {@link AuditException} if entries could not be
     * delivered by then.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        closeDeadlineNanos = System.nanoTime() + closeTimeout.toNanos();
        try {
            while (inFlight.sum() > 0) {
                Thread.onSpinWait();
            }
            queue.put(STOP);
            writer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AuditException("interrupted while closing the audit dispatcher; queued events may be undelivered", e);
        } finally {
            closeSinks();
            removeShutdownHook();
        }
        if (undelivered.get() > 0) {
            throw new AuditException(undelivered.get() + " audit entries could not be delivered to "
                    + describeSinks() + " before close: " + lastFailure
                    + ". Configure a spool directory so entries survive a sink outage");
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
        if (chainState != null) {
            return chainState.read().map(Checkpoint::head);
        }
        for (AuditSink each : sinks) {
            try {
                Optional<Checkpoint> last = each.lastCheckpoint();
                if (last.isPresent()) {
                    return Optional.of(last.get().head());
                }
            } catch (IOException | RuntimeException e) {
                LOG.warn("cannot read the last checkpoint of {} to resume the chain: {}", each.describe(), e.getMessage());
            }
        }
        return Optional.empty();
    }

    // ---- writer thread ----

    private void runWriter() {
        List<Object> items = new ArrayList<>(batchSize);
        boolean stop = false;
        while (!stop) {
            try {
                items.clear();
                Object first = queue.poll(Math.min(1000, millisUntilCheckpoint()), TimeUnit.MILLISECONDS);
                if (first != null) {
                    items.add(first);
                    queue.drainTo(items, batchSize - 1);
                }
                if (items.isEmpty()) {
                    drainSpools();
                }
                stop = process(items);
            } catch (InterruptedException e) {
                // only close() ends the writer; an interrupt from elsewhere must not lose events
            } catch (RuntimeException | Error e) {
                LOG.error("audit writer failed unexpectedly; continuing", e);
            }
        }
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
        for (Object each : items) {
            if (each instanceof AuditEvent event) {
                HashChain.Linked linked = chain.append(event);
                entries.add(new AuditEntry.Event(linked.event(), linked.json()));
                eventsSinceCheckpoint++;
                if (checkpointEvery > 0 && eventsSinceCheckpoint >= checkpointEvery) {
                    entries.add(checkpoint());
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
        }
        if (!entries.isEmpty()) {
            deliver(entries);
        }
        flushes.forEach(f -> f.complete(null));
        return stop;
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

    private void deliver(List<AuditEntry> entries) {
        Set<AuditSink> pending = new LinkedHashSet<>(sinks);
        long backoffMillis = 50;
        while (true) {
            for (var it = pending.iterator(); it.hasNext(); ) {
                AuditSink sink = it.next();
                try {
                    sink.write(entries);
                    sink.flush();
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
                return;
            }
            if (System.nanoTime() - closeDeadlineNanos > 0) {
                undelivered.addAndGet(entries.size());
                LOG.error("gave up delivering {} audit entries at close: {}", entries.size(), lastFailure);
                return;
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
            // the writer ignores interrupts; see runWriter
        }
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
        private int batchSize = 512;
        private Duration backpressureWait = Duration.ofMillis(500);
        private boolean required = true;
        private int checkpointEvery = 1000;
        private Duration checkpointInterval = Duration.ofSeconds(10);
        private CheckpointSigner signer;
        private Path chainState;
        private boolean resume = true;
        private Path spoolDirectory;
        private long spoolMaxBytes = 256L << 20;
        private Duration closeTimeout = Duration.ofSeconds(30);
        private boolean closeOnShutdown = true;

        private Builder() {}

        public Builder sink(AuditSink sink) {
            sinks.add(Objects.requireNonNull(sink, "sink"));
            return this;
        }

        /** Adds the sinks of a {@code governed.audit} list (syntax in {@link dev.governed.audit.sink.SinkSpec}). */
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

        /** Most events written to the sinks in one batch; default 512. */
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

        public AuditDispatcher build() {
            if (sinks.isEmpty()) {
                throw new AuditException("an audit dispatcher needs at least one sink; add one with sink(...) or sinks(\"jsonl:/path\")");
            }
            return new AuditDispatcher(this);
        }

        private static Duration requireNonNegative(Duration value, String name) {
            if (value == null || value.isNegative()) {
                throw new IllegalArgumentException(name + " must be zero or positive, was " + value);
            }
            return value;
        }
    }
}
