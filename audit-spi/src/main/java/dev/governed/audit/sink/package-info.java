/**
 * The sink SPI ({@link dev.governed.audit.sink.AuditSink}, found by type key through
 * {@link dev.governed.audit.sink.AuditSinkProvider} and {@link java.util.ServiceLoader}), the
 * {@code governed.audit} list syntax ({@link dev.governed.audit.sink.SinkSpec}) and the built-in
 * {@code jsonl} and {@code slf4j} sinks.
 */
package dev.governed.audit.sink;
