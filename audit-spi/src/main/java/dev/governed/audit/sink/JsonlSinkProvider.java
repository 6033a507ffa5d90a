package dev.governed.audit.sink;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;

/** {@code jsonl:<path>[?fsync=batch|none|<duration>][&maxSize=<size>]}: see {@link JsonlSink}. */
public final class JsonlSinkProvider implements AuditSinkProvider {

    @Override
    public String type() {
        return "jsonl";
    }

    @Override
    public Set<String> options() {
        return Set.of("fsync", "maxSize");
    }

    @Override
    public AuditSink create(SinkSpec spec) throws IOException {
        String target = spec.target().startsWith("file:") ? spec.target().substring(5) : spec.target();
        return JsonlSink.open(Path.of(target), FsyncPolicy.of(spec), spec.sizeOption("maxSize", Long.MAX_VALUE));
    }
}
