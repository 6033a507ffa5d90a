package dev.governed.audit;

/**
 * Where the enforcement path hands its events. {@link #record} returns once the
 * event is accepted (queued or spooled), so a statement's result is never returned
 * before its evidence exists; it throws {@link AuditException} when the event
 * cannot be accepted and audit is required.
 */
public interface AuditRecorder extends AutoCloseable {

    void record(AuditEvent event);

    /** Returns once every event accepted so far has been written to the sinks. */
    void flush();

    /** Flushes every accepted event to the sinks and releases them. */
    @Override
    void close();
}
