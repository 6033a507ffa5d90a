/**
 * The audit pipeline: {@link dev.governed.audit.AuditEvent} (the contract record),
 * {@link dev.governed.audit.AuditJson} (its one JSON form) and
 * {@link dev.governed.audit.AuditDispatcher}, the {@link dev.governed.audit.AuditRecorder} that
 * queues events, hash-chains them on one writer thread, adds signed checkpoints and hands batches
 * to the sinks of {@link dev.governed.audit.sink}.
 *
 * <p>Durability, end to end: {@code record} returns once the event is in the bounded in-memory
 * queue; the writer then delivers it (the {@code jsonl} sink fsyncs each batch by default) or, with
 * a spool configured, forces it into the spool when a sink fails. A hard crash ({@code kill -9},
 * power loss) can therefore lose what is still in memory, at most the queue capacity plus one
 * batch; the verifier reports such a tail as not covered by a checkpoint.
 */
package dev.governed.audit;
