package dev.governed.audit.sink;

import com.fasterxml.jackson.databind.JsonNode;
import dev.governed.audit.AuditEvent;
import dev.governed.audit.AuditJson;
import dev.governed.audit.chain.Checkpoint;

/**
 * What a sink receives: a chained event or a checkpoint, each with its one-line JSON (no line
 * break), serialised once on the writer thread. Masked values never reach a sink: events do not
 * contain them.
 */
public sealed interface AuditEntry {

    /** The contract JSON of this entry, one line, without the trailing line break. */
    String json();

    /** A key that is the same for re-deliveries of the same entry, for at-least-once de-duplication. */
    String dedupKey();

    record Event(AuditEvent event, String json) implements AuditEntry {
        @Override
        public String dedupKey() {
            return event.id();
        }
    }

    record CheckpointEntry(Checkpoint checkpoint, String json) implements AuditEntry {
        @Override
        public String dedupKey() {
            return "checkpoint:" + checkpoint.stream() + ":" + checkpoint.seq();
        }
    }

    static AuditEntry of(Checkpoint checkpoint) {
        return new CheckpointEntry(checkpoint, checkpoint.toJson());
    }

    /** Rebuilds an entry from its line, e.g. when draining a spool. */
    static AuditEntry parse(String line) {
        JsonNode tree = AuditJson.readTree(line);
        if (Checkpoint.isCheckpoint(tree)) {
            return new CheckpointEntry(Checkpoint.fromTree(tree), line);
        }
        return new Event(AuditJson.fromTree(tree), line);
    }
}
