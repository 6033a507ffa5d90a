package dev.governed.audit.export;

import dev.governed.audit.AuditEvent;
import java.io.IOException;
import java.io.Writer;

/** Writes exported events in one format; {@link #begin} and {@link #end} frame the output. */
interface EventFormat {

    default void begin(Writer out) throws IOException {}

    /** {@code json} is the event's line as stored, chain included. */
    void write(AuditEvent event, String json, Writer out) throws IOException;

    default void end(Writer out) throws IOException {}
}
