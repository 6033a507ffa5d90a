package dev.governed.audit.sink;

import dev.governed.audit.chain.Checkpoint;
import java.io.Closeable;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * A destination for audit entries. The dispatcher calls it from its single writer thread only, so
 * implementations need no locking: {@link #write} with each batch in stream order, then
 * {@link #flush}. A batch counts as delivered once both returned; an exception from either means
 * it was not, and the dispatcher retries it or spools it (at-least-once: a sink may see an entry
 * again after a failure and can de-duplicate by {@link AuditEntry#dedupKey()}).
 *
 * <p>Implementations are created by an {@link AuditSinkProvider} found through
 * {@link java.util.ServiceLoader}.
 */
public interface AuditSink extends Closeable {

    void write(List<AuditEntry> batch) throws IOException;

    /** Pushes everything written so far to the destination (and to stable storage if configured). */
    void flush() throws IOException;

    /**
     * Makes everything written so far durable now, for a sink that otherwise defers it past
     * {@link #flush} (a file with group commit, {@code fsync=10ms}). The writer calls it after
     * delivering a batch that carries a checkpoint or answers a flush request, and at close, so
     * neither a checkpoint remembered elsewhere nor a flush the caller waited for is left in a cache.
     * Sinks whose {@code flush} already does this keep the default, which does nothing.
     */
    default void sync() throws IOException {
        // flush() made the batch as durable as this sink makes anything
    }

    /** Flushes and releases the destination. */
    @Override
    void close() throws IOException;

    /** A short description for error messages, e.g. {@code jsonl:/var/log/governed/audit.jsonl}. */
    String describe();

    /**
     * The last checkpoint this sink already holds, so a restarted dispatcher can continue the chain
     * from it. Sinks that cannot read back return empty.
     */
    default Optional<Checkpoint> lastCheckpoint() throws IOException {
        return Optional.empty();
    }

    /**
     * The newest head this sink holds: the last event of the stream of its last checkpoint, which may lie after
     * that checkpoint when the writer crashed. Defaults to the last checkpoint's head.
     */
    default Optional<dev.governed.audit.chain.ChainHead> lastHead() throws IOException {
        return lastCheckpoint().map(dev.governed.audit.chain.ChainHead::of);
    }

    /**
     * True for a sink that throws every entry away unread ("audit off"). When every sink of a
     * dispatcher discards, its writer skips chaining, hashing and checkpoints, which nobody could
     * read; the events are still accepted, so backpressure and flush behave as with any sink.
     */
    default boolean discards() {
        return false;
    }
}
