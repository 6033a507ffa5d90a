package dev.governed.audit.witness;

import dev.governed.audit.AuditException;
import dev.governed.audit.sink.AuditSink;
import dev.governed.audit.sink.AuditSinkProvider;
import dev.governed.audit.sink.SinkSpec;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

/**
 * {@code witness:<enforcement service base URL>[?tokenFile=<path>]}, e.g.
 * {@code governed.audit=jsonl:/var/log/governed/audit.jsonl,witness:https://governed.example:8443?tokenFile=/run/agent.jwt};
 * see {@link WitnessSink}.
 */
public final class WitnessSinkProvider implements AuditSinkProvider {

    @Override
    public String type() {
        return "witness";
    }

    @Override
    public Set<String> options() {
        return Set.of("tokenFile");
    }

    @Override
    public AuditSink create(SinkSpec spec) {
        String target = spec.target();
        if (!target.startsWith("http://") && !target.startsWith("https://")) {
            throw new AuditException("audit sink entry '" + spec.text() + "' needs the enforcement service's base URL,"
                    + " e.g. witness:https://governed.example:8443");
        }
        String tokenFile = spec.options().get("tokenFile");
        return new WitnessSink(URI.create(target), Duration.ofSeconds(10), tokenFile == null ? null : Path.of(tokenFile));
    }
}
