package dev.governed.audit.sink;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit for a file sink ({@code fsync=10ms}): a batch is written at once but forced to disk
 * at most once per interval, and a timer forces whatever is still unforced when the interval ends,
 * so nothing written stays in the page cache longer than that even if no further batch arrives.
 * A writer that keeps up delivers one event per batch; forcing each would cost an fsync per event.
 */
final class GroupCommit {

    /** Forces the file; counting it is the tests' seam. */
    @FunctionalInterface
    interface Force {
        void run() throws IOException;
    }

    /** Runs a task after a delay: one JVM-wide daemon thread in production, turned by hand in tests. */
    @FunctionalInterface
    interface Timer {
        void schedule(Runnable task, long delayNanos);
    }

    private static final Logger LOG = LoggerFactory.getLogger(GroupCommit.class);

    private final long intervalNanos;
    private final Force force;
    private final LongSupplier nanoTime;
    private final Timer timer;
    private final String description;
    private long lastForceNanos;
    private boolean unforced;
    private boolean timerSet;
    private boolean closed;
    private String lastTimerFailure;

    GroupCommit(Duration interval, Force force, LongSupplier nanoTime, Timer timer, String description) {
        this.intervalNanos = interval.toNanos();
        this.force = force;
        this.nanoTime = nanoTime;
        this.timer = timer;
        this.description = description;
        this.lastForceNanos = nanoTime.getAsLong() - intervalNanos;
    }

    static Timer daemonTimer() {
        return SharedTimer.INSTANCE::schedule;
    }

    /** After a batch was written: forces now if the last force is an interval old, else makes sure the timer will. */
    synchronized void written() throws IOException {
        unforced = true;
        long wait = lastForceNanos + intervalNanos - nanoTime.getAsLong();
        if (wait <= 0) {
            forceNow();
        } else if (!timerSet) {
            timerSet = true;
            timer.schedule(this::timerExpired, wait);
        }
    }

    /** Forces whatever is unforced, now (flush requests, checkpoints, close). */
    synchronized void forceNow() throws IOException {
        if (!unforced) {
            return;
        }
        force.run();
        unforced = false;
        lastForceNanos = nanoTime.getAsLong();
    }

    /** No timed force after this; the sink forces once more itself as it closes. */
    synchronized void close() {
        closed = true;
    }

    private synchronized void timerExpired() {
        timerSet = false;
        if (closed) {
            return;
        }
        try {
            forceNow();
            lastTimerFailure = null;
        } catch (IOException | RuntimeException e) {
            // still unforced: tried again an interval later, and by the next batch or flush, whose failure reaches the writer
            if (!String.valueOf(e.getMessage()).equals(lastTimerFailure)) {
                LOG.warn("timed fsync of audit file {} failed: {}; retrying every {} ms", description, e.getMessage(),
                        TimeUnit.NANOSECONDS.toMillis(intervalNanos));
            }
            lastTimerFailure = String.valueOf(e.getMessage());
            timerSet = true;
            timer.schedule(this::timerExpired, intervalNanos);
        }
    }

    /** Created on first use only: a JVM that never groups commits never starts the thread. */
    private static final class SharedTimer {
        static final SharedTimer INSTANCE = new SharedTimer();
        private final ScheduledThreadPoolExecutor executor;

        private SharedTimer() {
            executor = new ScheduledThreadPoolExecutor(1, task -> {
                Thread thread = new Thread(task, "governed-audit-fsync");
                thread.setDaemon(true);
                return thread;
            });
            executor.setRemoveOnCancelPolicy(true);
        }

        void schedule(Runnable task, long delayNanos) {
            executor.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
        }
    }
}
