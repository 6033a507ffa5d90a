package dev.governed.audit.spool;

import dev.governed.audit.AuditException;
import dev.governed.audit.chain.Checkpoint;
import dev.governed.audit.sink.AuditEntry;
import dev.governed.audit.sink.AuditSink;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts a {@link DiskSpool} in front of a sink: while the sink works and the spool is empty, batches
 * go straight through; when the sink fails, batches go to the spool, and the spool is drained in
 * order (oldest first, before any newer batch) once the sink takes writes again, also after a
 * restart. {@link #write} therefore succeeds when the batch was delivered or durably spooled, and
 * fails only when the spool itself cannot take it (full or unwritable).
 */
public final class SpoolingSink implements AuditSink {

    private static final Logger LOG = LoggerFactory.getLogger(SpoolingSink.class);
    private static final long MAX_BACKOFF_NANOS = 5_000_000_000L;

    private final AuditSink delegate;
    private final DiskSpool spool;
    private long nextAttemptNanos = System.nanoTime();
    private long backoffNanos = 100_000_000L;

    public SpoolingSink(AuditSink delegate, DiskSpool spool) {
        this.delegate = delegate;
        this.spool = spool;
        if (!spool.isEmpty()) {
            LOG.info("audit spool {} holds {} batches from an earlier run for {}; they are delivered first",
                    spool.directory(), spool.segments(), delegate.describe());
        }
    }

    /** Wraps each sink with a spool in its own sub-directory of {@code root}, named stably after the sink. */
    public static List<AuditSink> wrapAll(List<AuditSink> sinks, Path root, long maxBytesEach) {
        List<AuditSink> result = new ArrayList<>();
        for (AuditSink each : sinks) {
            try {
                result.add(new SpoolingSink(each, DiskSpool.open(root.resolve(directoryName(each)), maxBytesEach)));
            } catch (IOException e) {
                throw new AuditException(e.getMessage(), e);
            }
        }
        return List.copyOf(result);
    }

    static String directoryName(AuditSink sink) {
        String description = sink.describe();
        String type = description.contains(":") ? description.substring(0, description.indexOf(':')) : description;
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(description.getBytes(StandardCharsets.UTF_8));
            return type.replaceAll("[^A-Za-z0-9-]", "_") + "-" + HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public DiskSpool spool() {
        return spool;
    }

    @Override
    public void write(List<AuditEntry> batch) throws IOException {
        drain();
        if (spool.isEmpty() && tryDeliver(batch, false)) {
            return;
        }
        spool.append(batch);
    }

    /** Delivers spooled batches, oldest first, until the spool is empty or the sink fails again. */
    public void drain() throws IOException {
        if (spool.isEmpty() || System.nanoTime() - nextAttemptNanos < 0) {
            return;
        }
        while (!spool.isEmpty()) {
            Optional<DiskSpool.Segment> oldest = spool.oldest();
            if (oldest.isEmpty()) {
                return;
            }
            // forced before it leaves the spool, even by a sink that otherwise forces later (group commit)
            if (!tryDeliver(oldest.get().entries(), true)) {
                return;
            }
            spool.remove(oldest.get());
        }
        LOG.info("audit spool {} drained into {}", spool.directory(), delegate.describe());
    }

    private boolean tryDeliver(List<AuditEntry> batch, boolean durable) {
        if (System.nanoTime() - nextAttemptNanos < 0) {
            return false;
        }
        try {
            delegate.write(batch);
            delegate.flush();
            if (durable) {
                delegate.sync();
            }
            backoffNanos = 100_000_000L;
            return true;
        } catch (IOException | RuntimeException e) {
            failed(e);
            return false;
        }
    }

    private void failed(Exception e) {
        LOG.warn("audit sink {} failed ({}); spooling to {}", delegate.describe(), e.getMessage(), spool.directory());
        nextAttemptNanos = System.nanoTime() + backoffNanos;
        backoffNanos = Math.min(backoffNanos * 2, MAX_BACKOFF_NANOS);
    }

    @Override
    public void flush() {
        // write() returns only once a batch was flushed to the sink or forced into the spool
    }

    /**
     * With batches in the spool the sink is failing and the last batch went to the spool, forced there.
     * Otherwise the sink took it and forces it now; if it cannot, the writer retries the batch, which
     * this time goes to the spool (the sink is backing off), so it is kept either way.
     */
    @Override
    public void sync() throws IOException {
        if (!spool.isEmpty()) {
            return;
        }
        try {
            delegate.sync();
        } catch (IOException | RuntimeException e) {
            failed(e);
            throw e;
        }
    }

    @Override
    public void close() throws IOException {
        try {
            nextAttemptNanos = System.nanoTime();
            drain();
        } finally {
            delegate.close();
        }
    }

    @Override
    public String describe() {
        return delegate.describe();
    }

    @Override
    public Optional<Checkpoint> lastCheckpoint() throws IOException {
        return delegate.lastCheckpoint();
    }

    @Override
    public Optional<dev.governed.audit.chain.ChainHead> lastHead() throws IOException {
        return delegate.lastHead();
    }
}
