package dev.governed.audit;

import dev.governed.audit.sink.SinkSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;

/** Reads {@code governed.audit*} settings into a dispatcher builder; see {@link AuditDispatcher.Builder#configure}. */
final class AuditProperties {

    static final long DEFAULT_SPOOL_BYTES = 256L << 20;

    private AuditProperties() {}

    static void apply(Map<String, String> properties, AuditDispatcher.Builder builder) {
        Map<String, String> audit = new TreeMap<>();
        properties.forEach((key, value) -> {
            if (key.equals("governed.audit") || key.startsWith("governed.audit.")) {
                audit.put(key, value == null ? "" : value.trim());
            }
        });
        Set<String> unknown = new TreeSet<>(audit.keySet());
        unknown.removeAll(PROPERTIES);
        if (!unknown.isEmpty()) {
            throw new AuditException("unknown audit setting(s) " + unknown + "; known: " + PROPERTIES);
        }
        String sinkList = audit.get("governed.audit");
        if (sinkList == null || sinkList.isEmpty()) {
            throw new AuditException("governed.audit is not set; name where audit events go, "
                    + "e.g. governed.audit=jsonl:/var/log/governed/audit.jsonl");
        }
        apply(audit, "governed.audit.required", v -> builder.required(parseBoolean("governed.audit.required", v)));
        apply(audit, "governed.audit.queue", v -> builder.queueCapacity(parseInt("governed.audit.queue", v)));
        apply(audit, "governed.audit.backpressure", v -> builder.backpressureWait(parseDuration("governed.audit.backpressure", v)));
        apply(audit, "governed.audit.key", v -> builder.signingKey(Path.of(v)));
        apply(audit, "governed.audit.checkpoint.every", v -> builder.checkpointEvery(parseInt("governed.audit.checkpoint.every", v)));
        apply(audit, "governed.audit.checkpoint.interval",
                v -> builder.checkpointInterval(parseDuration("governed.audit.checkpoint.interval", v)));
        apply(audit, "governed.audit.state", v -> builder.chainState(Path.of(v)));
        if (audit.containsKey("governed.audit.spool")) {
            long maxBytes = audit.containsKey("governed.audit.spool.maxSize")
                    ? SinkSpec.parseSize(audit.get("governed.audit.spool.maxSize"), "governed.audit.spool.maxSize")
                    : DEFAULT_SPOOL_BYTES;
            builder.spool(Path.of(audit.get("governed.audit.spool")), maxBytes);
        } else if (audit.containsKey("governed.audit.spool.maxSize")) {
            throw new AuditException("governed.audit.spool.maxSize is set but governed.audit.spool is not; "
                    + "name the spool directory too");
        }
        if (audit.containsKey("governed.audit.journal")) {
            long maxBytes = audit.containsKey("governed.audit.journal.maxSize")
                    ? SinkSpec.parseSize(audit.get("governed.audit.journal.maxSize"), "governed.audit.journal.maxSize")
                    : dev.governed.audit.journal.EventJournal.DEFAULT_CAPACITY;
            builder.journal(Path.of(audit.get("governed.audit.journal")), maxBytes);
        } else if (audit.containsKey("governed.audit.journal.maxSize")) {
            throw new AuditException("governed.audit.journal.maxSize is set but governed.audit.journal is not; "
                    + "name the journal directory too");
        }
        builder.sinks(sinkList);
    }

    private static final Set<String> PROPERTIES = new TreeSet<>(List.of("governed.audit", "governed.audit.required",
            "governed.audit.queue", "governed.audit.backpressure", "governed.audit.key",
            "governed.audit.checkpoint.every", "governed.audit.checkpoint.interval", "governed.audit.spool",
            "governed.audit.spool.maxSize", "governed.audit.state", "governed.audit.journal",
            "governed.audit.journal.maxSize",
            // read by the JDBC driver, which records the events: what a recording of a session keeps
            "governed.audit.parameters", "governed.audit.batchSets", "governed.audit.results"));

    private static void apply(Map<String, String> values, String key, Consumer<String> setter) {
        String value = values.get(key);
        if (value != null) {
            setter.accept(value);
        }
    }

    private static boolean parseBoolean(String key, String value) {
        if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
            throw new AuditException(key + " is '" + value + "'; use true or false");
        }
        return Boolean.parseBoolean(value);
    }

    private static int parseInt(String key, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new AuditException(key + " is '" + value + "', not a whole number");
        }
    }

    static Duration parseDuration(String key, String value) {
        return SinkSpec.parseDuration(value, key);
    }
}
