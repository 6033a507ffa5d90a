package dev.governed.core.engine;

import dev.governed.audit.AuditDispatcher;
import dev.governed.audit.AuditEvent;
import dev.governed.audit.AuditException;
import dev.governed.audit.AuditRecorder;
import dev.governed.core.GovernedSettings;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * One audit dispatcher per audit configuration in this JVM, shared by every engine configured
 * alike, so JDBC and HTTP events of one process land on one hash chain instead of two writers
 * racing on one file. Each {@link #open} hands out a reference; the dispatcher closes with the last.
 */
public final class AuditTrails {

    private static final Map<Map<String, String>, Shared> OPEN = new HashMap<>();

    private AuditTrails() {}

    /**
     * The trail of {@code governed.audit} with its {@code governed.audit.*} options (system properties,
     * then explicit settings).
     *
     * @throws AuditException when no sink is configured or the sinks cannot be opened
     */
    public static AuditRecorder open(GovernedSettings settings) {
        String sinks = settings.get(GovernedSettings.AUDIT).orElseThrow(() -> new AuditException(
                "no audit sink configured; Governed records every request, so set governed.audit, e.g."
                        + " jsonl:/var/log/governed/audit.jsonl"));
        Map<String, String> options = new TreeMap<>();
        System.getProperties().stringPropertyNames().stream()
                .filter(key -> key.startsWith(GovernedSettings.AUDIT + "."))
                .forEach(key -> options.put(key, System.getProperty(key)));
        settings.explicit().forEach((key, value) -> {
            if (key.startsWith(GovernedSettings.AUDIT + ".")) {
                options.put(key, value);
            }
        });
        options.put(GovernedSettings.AUDIT, sinks);
        Map<String, String> key = Map.copyOf(options);
        synchronized (OPEN) {
            Shared shared = OPEN.get(key);
            if (shared == null) {
                shared = new Shared(key, AuditDispatcher.fromProperties(options));
                OPEN.put(key, shared);
            }
            shared.references++;
            return new Reference(shared);
        }
    }

    private static final class Shared {
        final Map<String, String> key;
        final AuditDispatcher dispatcher;
        int references;

        Shared(Map<String, String> key, AuditDispatcher dispatcher) {
            this.key = key;
            this.dispatcher = dispatcher;
        }
    }

    /** One holder's handle: closing it releases the holder's reference only. */
    private static final class Reference implements AuditRecorder {
        private final Shared shared;
        private boolean closed;

        Reference(Shared shared) {
            this.shared = shared;
        }

        @Override
        public void record(AuditEvent event) {
            shared.dispatcher.record(event);
        }

        @Override
        public void flush() {
            shared.dispatcher.flush();
        }

        @Override
        public void close() {
            boolean last;
            synchronized (OPEN) {
                if (closed) {
                    return;
                }
                closed = true;
                last = --shared.references == 0;
                if (last) {
                    OPEN.remove(shared.key);
                }
            }
            if (last) {
                shared.dispatcher.close();
            } else {
                shared.dispatcher.flush();
            }
        }
    }
}
