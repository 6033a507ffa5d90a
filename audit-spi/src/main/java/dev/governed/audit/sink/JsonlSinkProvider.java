package dev.governed.audit.sink;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;

/** {@code jsonl:<path>[?fsync=batch|none][&maxSize=<size>]}: see {@link JsonlSink}. */
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
        boolean fsync = spec.choiceOption("fsync", Set.of("batch", "none"), "batch").equals("batch");
        return JsonlSink.open(Path.of(target), fsync, spec.sizeOption("maxSize", Long.MAX_VALUE));
    }
}
