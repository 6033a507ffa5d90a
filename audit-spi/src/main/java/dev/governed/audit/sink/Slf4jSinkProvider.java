package dev.governed.audit.sink;

import java.util.Locale;
import java.util.Set;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/** {@code slf4j[:<logger name>][?level=info|debug|trace|warn|error]}; the logger defaults to {@code governed.audit}. */
public final class Slf4jSinkProvider implements AuditSinkProvider {

    public static final String DEFAULT_LOGGER = "governed.audit";

    @Override
    public String type() {
        return "slf4j";
    }

    @Override
    public Set<String> options() {
        return Set.of("level");
    }

    @Override
    public boolean requiresTarget() {
        return false;
    }

    @Override
    public AuditSink create(SinkSpec spec) {
        String level = spec.choiceOption("level", Set.of("trace", "debug", "info", "warn", "error"), "info");
        String name = spec.target() == null ? DEFAULT_LOGGER : spec.target();
        return new Slf4jSink(LoggerFactory.getLogger(name), Level.valueOf(level.toUpperCase(Locale.ROOT)));
    }
}
