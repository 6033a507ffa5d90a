package dev.governed.audit.sink;

import dev.governed.audit.AuditException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.TreeSet;

/** Finds {@link AuditSinkProvider}s through {@link ServiceLoader} and opens sinks from a spec. */
public final class AuditSinks {

    private AuditSinks() {}

    /** Opens every sink of a {@code governed.audit} list (see {@link SinkSpec} for the syntax). */
    public static List<AuditSink> open(String list) {
        List<SinkSpec> specs = SinkSpec.parseList(list);
        List<AuditSink> result = new ArrayList<>();
        try {
            for (SinkSpec each : specs) {
                result.add(open(each));
            }
            return List.copyOf(result);
        } catch (RuntimeException e) {
            result.forEach(AuditSinks::closeQuietly);
            throw e;
        }
    }

    public static AuditSink open(SinkSpec spec) {
        Map<String, AuditSinkProvider> providers = providers();
        AuditSinkProvider provider = providers.get(spec.type());
        if (provider == null) {
            throw new AuditException("unknown audit sink type '" + spec.type() + "' in entry '" + spec.text()
                    + "'; known types: " + String.join(", ", providers.keySet())
                    + ". Fix the type or add the jar that provides it to the classpath");
        }
        TreeSet<String> unknown = new TreeSet<>(spec.options().keySet());
        unknown.removeAll(provider.options());
        if (!unknown.isEmpty()) {
            throw new AuditException("unknown option(s) " + unknown + " for audit sink type '" + spec.type()
                    + "' in entry '" + spec.text() + "'; allowed: "
                    + (provider.options().isEmpty() ? "none" : new TreeSet<>(provider.options())));
        }
        if (provider.requiresTarget() && spec.target() == null) {
            throw new AuditException("audit sink entry '" + spec.text() + "' has no target; write "
                    + spec.type() + ":<target>, e.g. jsonl:/var/log/governed/audit.jsonl");
        }
        try {
            return provider.create(spec);
        } catch (IOException e) {
            throw new AuditException(e.getMessage(), e);
        }
    }

    /** The installed providers by type key, sorted. */
    public static Map<String, AuditSinkProvider> providers() {
        Map<String, AuditSinkProvider> result = new TreeMap<>();
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        if (context != null) {
            ServiceLoader.load(AuditSinkProvider.class, context).forEach(p -> result.putIfAbsent(p.type(), p));
        }
        ServiceLoader.load(AuditSinkProvider.class, AuditSinks.class.getClassLoader())
                .forEach(p -> result.putIfAbsent(p.type(), p));
        return result;
    }

    static void closeQuietly(AuditSink sink) {
        try {
            sink.close();
        } catch (IOException | RuntimeException ignored) {
            // already failing; the original error is the one to report
        }
    }
}
