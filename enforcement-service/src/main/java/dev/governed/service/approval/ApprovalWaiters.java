package dev.governed.service.approval;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Long polls on approvals without holding a server thread: a waiter is a future completed by a decision
 * made on this instance at once, or by a periodic re-read (which sees decisions made on other instances
 * sharing the database), or by its timeout with the still-pending record.
 */
public final class ApprovalWaiters implements AutoCloseable {
    private static final Duration POLL = Duration.ofMillis(250);
    /** Each waiter re-reads its row every POLL; past this many, callers get the current state at once and poll again. */
    static final int MAX_WAITERS = 2_000;

    private final ApprovalStore store;
    private final Clock clock;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "governed-approval-waiters");
        thread.setDaemon(true);
        return thread;
    });
    private final ConcurrentHashMap<String, CopyOnWriteArrayList<CompletableFuture<ApprovalRecord>>> waiting = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicInteger count = new java.util.concurrent.atomic.AtomicInteger();

    public ApprovalWaiters(ApprovalStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** Completes with the record once it is no longer pending, or with the current record after {@code timeout}. */
    public CompletableFuture<ApprovalRecord> await(ApprovalRecord current, Duration timeout) {
        CompletableFuture<ApprovalRecord> result = new CompletableFuture<>();
        if (current.isFinal(clock.instant()) || timeout.isZero()) {
            result.complete(current.asOf(clock.instant()));
            return result;
        }
        if (count.incrementAndGet() > MAX_WAITERS) {
            count.decrementAndGet();
            result.complete(current.asOf(clock.instant()));
            return result;
        }
        String id = current.id();
        waiting.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>()).add(result);
        // Real elapsed time, not the service clock: a long poll lasts what the client asked for.
        long deadline = System.nanoTime() + timeout.toNanos();
        ScheduledFuture<?> poll = scheduler.scheduleWithFixedDelay(() -> {
            try {
                Optional<ApprovalRecord> latest = store.find(id);
                Instant now = clock.instant();
                if (latest.isEmpty()) {
                    result.complete(current);
                } else if (latest.get().isFinal(now) || System.nanoTime() - deadline >= 0) {
                    result.complete(latest.get().asOf(now));
                }
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        }, POLL.toMillis(), POLL.toMillis(), TimeUnit.MILLISECONDS);
        result.whenComplete((record, failure) -> {
            count.decrementAndGet();
            poll.cancel(false);
            waiting.computeIfPresent(id, (k, list) -> {
                list.remove(result);
                return list.isEmpty() ? null : list;
            });
        });
        return result;
    }

    /** Wakes this instance's waiters on {@code record} at once. */
    public void changed(ApprovalRecord record) {
        var list = waiting.get(record.id());
        if (list != null) {
            ApprovalRecord asOf = record.asOf(clock.instant());
            list.forEach(each -> each.complete(asOf));
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        waiting.values().forEach(list -> list.forEach(each -> each.cancel(false)));
    }
}
