package dev.governed.audit.sink;

import dev.governed.audit.AuditEvent;
import dev.governed.audit.chain.Checkpoint;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.event.Level;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * Logs each entry through SLF4J as a structured event: the contract JSON line is the message (so
 * plain-text backends keep everything) and the fields people filter on are key-value pairs
 * ({@code audit.type}, {@code audit.id}, {@code audit.stream}, {@code audit.seq},
 * {@code audit.subject}, {@code audit.resource}, {@code audit.operation}, {@code audit.effect},
 * {@code audit.rule}, {@code audit.status}) that JSON encoders such as logstash-logback-encoder emit
 * as fields. Delivery is only as durable as the logging backend: use it next to {@code jsonl}, not
 * instead of it.
 */
public final class Slf4jSink implements AuditSink {

    private final Logger logger;
    private final Level level;

    public Slf4jSink(Logger logger, Level level) {
        this.logger = logger;
        this.level = level;
    }

    @Override
    public void write(List<AuditEntry> batch) {
        for (AuditEntry each : batch) {
            LoggingEventBuilder event = logger.atLevel(level);
            if (each instanceof AuditEntry.Event e) {
                describe(event, e.event());
            } else if (each instanceof AuditEntry.CheckpointEntry c) {
                describe(event, c.checkpoint());
            }
            event.setMessage(each.json()).log();
        }
    }

    private static void describe(LoggingEventBuilder event, AuditEvent audit) {
        event.addKeyValue("audit.type", "event").addKeyValue("audit.id", audit.id());
        if (audit.chain() != null) {
            event.addKeyValue("audit.stream", audit.chain().stream()).addKeyValue("audit.seq", audit.chain().seq());
        }
        if (audit.actor() != null) {
            event.addKeyValue("audit.subject", audit.actor().subject());
        }
        if (audit.resource() != null) {
            event.addKeyValue("audit.resource", audit.resource().name());
        }
        if (audit.action() != null) {
            event.addKeyValue("audit.operation", audit.action().operation());
        }
        if (audit.decision() != null) {
            event.addKeyValue("audit.effect", audit.decision().effect()).addKeyValue("audit.rule", audit.decision().rule());
        }
        if (audit.outcome() != null) {
            event.addKeyValue("audit.status", audit.outcome().status());
        }
    }

    private static void describe(LoggingEventBuilder event, Checkpoint checkpoint) {
        event.addKeyValue("audit.type", "checkpoint")
                .addKeyValue("audit.stream", checkpoint.stream())
                .addKeyValue("audit.seq", checkpoint.seq());
    }

    @Override
    public void flush() {
        // the logging backend owns buffering
    }

    @Override
    public void close() {
        // the logging backend outlives this sink
    }

    @Override
    public String describe() {
        return "slf4j:" + logger.getName();
    }
}
