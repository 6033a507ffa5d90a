package dev.governed.bench;

import dev.governed.audit.sink.AuditEntry;
import dev.governed.audit.sink.AuditSink;
import dev.governed.audit.sink.AuditSinkProvider;
import dev.governed.audit.sink.SinkSpec;
import java.util.List;
import java.util.Set;

/**
 * {@code governed.audit=discard}: a sink that throws every entry away, the "audit off" baseline
 * of {@link AuditOverheadBenchmark}. It is also the smallest example of a custom sink: implement
 * {@link AuditSink} (called from the dispatcher's one writer thread, in stream order, so no
 * locking) and an {@link AuditSinkProvider} that names the type, and list the provider in
 * {@code META-INF/services/dev.governed.audit.sink.AuditSinkProvider}.
 */
public final class DiscardSinkProvider implements AuditSinkProvider {

    @Override
    public String type() {
        return "discard";
    }

    @Override
    public Set<String> options() {
        return Set.of();
    }

    @Override
    public boolean requiresTarget() {
        return false;
    }

    @Override
    public AuditSink create(SinkSpec spec) {
        return new AuditSink() {
            @Override
            public void write(List<AuditEntry> batch) {
                // a real sink sends batch.get(i).json() (one JSON line each) somewhere
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }

            @Override
            public String describe() {
                return "discard";
            }

            @Override
            public boolean discards() {
                return true; // the dispatcher then skips chaining and hashing: nobody reads them
            }
        };
    }
}
