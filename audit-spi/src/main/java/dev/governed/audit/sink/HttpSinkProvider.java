package dev.governed.audit.sink;

import dev.governed.audit.AuditException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

/**
 * {@code http:<http(s) URL>[?timeout=<seconds>s][&tokenFile=<path>]}, e.g.
 * {@code http:https://governed.example:8443/v1/audit?timeout=5s}; see {@link HttpSink}. The URL
 * cannot carry a query string (the {@code ?} starts the options).
 */
public final class HttpSinkProvider implements AuditSinkProvider {

    @Override
    public String type() {
        return "http";
    }

    @Override
    public Set<String> options() {
        return Set.of("timeout", "tokenFile");
    }

    @Override
    public AuditSink create(SinkSpec spec) {
        Duration timeout = Duration.ofSeconds(10);
        String value = spec.options().get("timeout");
        if (value != null) {
            if (!value.matches("\\d+s")) {
                throw new AuditException("option 'timeout' of audit sink entry '" + spec.text() + "' is '" + value
                        + "'; write whole seconds like 5s");
            }
            timeout = Duration.ofSeconds(Long.parseLong(value.substring(0, value.length() - 1)));
        }
        String tokenFile = spec.options().get("tokenFile");
        try {
            return new HttpSink(new URI(spec.target()), timeout, tokenFile == null ? null : Path.of(tokenFile));
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new AuditException("audit sink entry '" + spec.text() + "' has no valid http(s) URL: " + e.getMessage(), e);
        }
    }
}
