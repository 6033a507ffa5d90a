package dev.governed.policy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The masking strategies a policy may name and the options each takes. The loader
 * rejects other strategies and options, and missing required ones.
 *
 * <ul>
 *   <li>{@code redact}: optional {@code replacement} (string)</li>
 *   <li>{@code keep-last}, {@code keep-first}: required {@code keep} (0–1000 characters left clear),
 *       optional {@code maskChar} (one character)</li>
 *   <li>{@code hash}: optional {@code length} (8–64 hex characters)</li>
 *   <li>{@code null}, {@code email}: no options</li>
 *   <li>{@code regex}: required {@code pattern} (a Java regular expression) and {@code replacement}</li>
 *   <li>{@code year-only}: no options (dates keep their year only)</li>
 * </ul>
 *
 * Strategies installed through a {@link MaskStrategyCatalog} may be named too; their options
 * are the keys they declare, each a text, number or boolean, checked by the strategy itself.
 */
public final class MaskStrategies {

    enum Type { STRING, CHAR, REGEX, KEEP_COUNT, HASH_LENGTH, SCALAR }

    record Option(String key, Type type, boolean required) {
    }

    private static final Map<String, List<Option>> OPTIONS = new LinkedHashMap<>();

    static {
        OPTIONS.put("redact", List.of(new Option("replacement", Type.STRING, false)));
        List<Option> keep = List.of(new Option("keep", Type.KEEP_COUNT, true), new Option("maskChar", Type.CHAR, false));
        OPTIONS.put("keep-last", keep);
        OPTIONS.put("keep-first", keep);
        OPTIONS.put("hash", List.of(new Option("length", Type.HASH_LENGTH, false)));
        OPTIONS.put("null", List.of());
        OPTIONS.put("email", List.of());
        OPTIONS.put("regex", List.of(new Option("pattern", Type.REGEX, true), new Option("replacement", Type.STRING, true)));
        OPTIONS.put("year-only", List.of());
    }

    private MaskStrategies() {
    }

    /** Strategy names: the built-in ones in documentation order, then the installed ones. */
    public static Set<String> names() {
        Set<String> result = new java.util.LinkedHashSet<>(OPTIONS.keySet());
        result.addAll(new java.util.TreeSet<>(Installed.STRATEGIES.keySet()));
        return java.util.Collections.unmodifiableSet(result);
    }

    /** The options a strategy takes, or null when no strategy has that name. */
    static List<Option> options(String strategy) {
        List<Option> builtIn = OPTIONS.get(strategy);
        if (builtIn != null) {
            return builtIn;
        }
        Set<String> keys = Installed.STRATEGIES.get(strategy);
        return keys == null ? null : keys.stream().sorted().map(key -> new Option(key, Type.SCALAR, false)).toList();
    }

    /** Loaded on first use: a built-in name never needs the class path scanned. */
    private static final class Installed {
        static final Map<String, Set<String>> STRATEGIES = load();

        private static Map<String, Set<String>> load() {
            Map<String, Set<String>> result = new LinkedHashMap<>();
            for (MaskStrategyCatalog each : java.util.ServiceLoader.load(MaskStrategyCatalog.class,
                    MaskStrategyCatalog.class.getClassLoader())) {
                each.strategies().forEach((name, keys) -> {
                    if (!OPTIONS.containsKey(name)) {
                        result.putIfAbsent(name, Set.copyOf(keys));
                    }
                });
            }
            return Map.copyOf(result);
        }
    }
}
