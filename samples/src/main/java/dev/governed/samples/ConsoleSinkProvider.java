package dev.governed.samples;

import dev.governed.audit.sink.AuditEntry;
import dev.governed.audit.sink.AuditSink;
import dev.governed.audit.sink.AuditSinkProvider;
import dev.governed.audit.sink.SinkSpec;
import java.util.List;
import java.util.Set;

/** {@code governed.audit=console?prefix=AUDIT>} — each audit line on standard output. Listed in META-INF/services. */
public final class ConsoleSinkProvider implements AuditSinkProvider {
    @Override public String type() { return "console"; }
    @Override public Set<String> options() { return Set.of("prefix"); }  // any other option is refused for you
    @Override public boolean requiresTarget() { return false; }           // "console", not "console:<something>"

    @Override
    public AuditSink create(SinkSpec spec) {
        String prefix = spec.option("prefix", "audit: ");
        return new AuditSink() {  // called from one writer thread, batches in chain order: no locking
            @Override public void write(List<AuditEntry> batch) { batch.forEach(each -> System.out.println(prefix + each.json())); }
            @Override public void flush() { System.out.flush(); }  // throw from write/flush and the batch is retried or spooled
            @Override public void close() { flush(); }
            @Override public String describe() { return "console"; }
        };
    }
}
