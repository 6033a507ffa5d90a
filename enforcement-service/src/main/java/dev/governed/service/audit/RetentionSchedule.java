package dev.governed.service.audit;

import dev.governed.core.identity.Identity;
import dev.governed.service.auth.Principal;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs {@link RetentionExpiry} every interval on a background thread; each expiry becomes an admin audit event. */
public final class RetentionSchedule implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RetentionSchedule.class);
    private static final Principal SERVICE = new Principal(
            new Identity("governed-service", Set.of(), "governed-service", null, null, Instant.MAX), Set.of());

    private final ScheduledExecutorService executor;

    private RetentionSchedule(ScheduledExecutorService executor) {
        this.executor = executor;
    }

    /** Starts the schedule when there is a rule; the first run comes one interval after start. */
    public static RetentionSchedule start(RetentionExpiry expiry, AdminAudit audit, Duration interval) {
        if (expiry.rules().isEmpty()) {
            return new RetentionSchedule(null);
        }
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "governed-audit-retention");
            thread.setDaemon(true);
            return thread;
        });
        long every = interval.toMillis();
        executor.scheduleWithFixedDelay(() -> runOnce(expiry, audit), every, every, TimeUnit.MILLISECONDS);
        return new RetentionSchedule(executor);
    }

    private static void runOnce(RetentionExpiry expiry, AdminAudit audit) {
        try {
            RetentionExpiry.Result result = expiry.run(false);
            result.expired().forEach(each -> {
                LOG.info("audit retention: stream {} {}", each.stream(), RetentionRoutes.describe(each));
                audit.allowed(SERVICE, "audit.expire", "stream:" + each.stream(), RetentionRoutes.describe(each));
            });
        } catch (RuntimeException e) {
            LOG.warn("audit retention run failed; the next run tries again", e);
        }
    }

    @Override
    public void close() {
        if (executor != null) {
            executor.shutdownNow();
        }
    }
}
