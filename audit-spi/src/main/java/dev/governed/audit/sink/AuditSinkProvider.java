package dev.governed.audit.sink;

import java.io.IOException;
import java.util.Set;

/**
 * Creates sinks of one type from a {@link SinkSpec}. Register implementations in
 * {@code META-INF/services/dev.governed.audit.sink.AuditSinkProvider}.
 */
public interface AuditSinkProvider {

    /** The type key used in the spec, e.g. {@code jsonl}. Lower case. */
    String type();

    /** Option names this type accepts after {@code ?}; any other name is rejected before {@link #create}. */
    Set<String> options();

    /** Whether the spec must carry a target after {@code type:}. */
    default boolean requiresTarget() {
        return true;
    }

    AuditSink create(SinkSpec spec) throws IOException;
}
