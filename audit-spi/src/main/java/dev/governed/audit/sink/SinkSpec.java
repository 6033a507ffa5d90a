package dev.governed.audit.sink;

import dev.governed.audit.AuditException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One parsed entry of the {@code governed.audit} sink list.
 *
 * <h2>Syntax</h2>
 * <pre>
 * list   = entry *( "," entry )          ; blanks around entries are ignored
 * entry  = type [ ":" target ] [ "?" option *( "&amp;" option ) ]
 * type   = lower-case letter *( lower-case letter / digit / "-" )
 * option = name "=" value
 * </pre>
 * Examples: {@code jsonl:/var/log/governed/audit.jsonl},
 * {@code jsonl:/var/log/governed/audit.jsonl?maxSize=100MB&fsync=batch},
 * {@code jsonl:/a.jsonl,slf4j}. The target runs from the first {@code :} to the first {@code ?}
 * and may therefore contain {@code :} (URLs, Windows drives) but neither {@code ,} nor {@code ?}.
 * Option names are case-sensitive, each may appear once, and each type declares the names it
 * accepts ({@link AuditSinkProvider#options()}); anything else is rejected with a message naming
 * the entry. Sizes accept {@code B}, {@code KB}, {@code MB}, {@code GB} (powers of 1024).
 *
 * @param text the entry as written, for error messages
 */
public record SinkSpec(String type, String target, Map<String, String> options, String text) {

    private static final Pattern TYPE = Pattern.compile("[a-z][a-z0-9-]*");
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([KMG]?B?)", Pattern.CASE_INSENSITIVE);
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");

    public SinkSpec {
        options = Collections.unmodifiableMap(new LinkedHashMap<>(options));
    }

    /** Parses a comma-separated sink list; {@link AuditException} naming the bad entry otherwise. */
    public static List<SinkSpec> parseList(String list) {
        if (list == null || list.isBlank()) {
            throw new AuditException("the audit sink list (governed.audit) is empty; "
                    + "set it to e.g. jsonl:/var/log/governed/audit.jsonl");
        }
        List<SinkSpec> result = new ArrayList<>();
        for (String each : list.split(",", -1)) {
            result.add(parse(each.trim()));
        }
        return List.copyOf(result);
    }

    public static SinkSpec parse(String entry) {
        if (entry == null || entry.isBlank()) {
            throw new AuditException("empty entry in the audit sink list (governed.audit); "
                    + "remove the stray comma or write an entry like jsonl:/path/audit.jsonl");
        }
        int query = entry.indexOf('?');
        String head = query < 0 ? entry : entry.substring(0, query);
        int colon = head.indexOf(':');
        String type = colon < 0 ? head : head.substring(0, colon);
        String target = colon < 0 ? null : head.substring(colon + 1);
        if (!TYPE.matcher(type).matches()) {
            throw new AuditException("audit sink entry '" + entry + "' does not start with a sink type; "
                    + "write type:target?options, e.g. jsonl:/var/log/governed/audit.jsonl");
        }
        if (target != null && target.isEmpty()) {
            target = null;
        }
        Map<String, String> options = new LinkedHashMap<>();
        if (query >= 0) {
            for (String option : entry.substring(query + 1).split("&", -1)) {
                int eq = option.indexOf('=');
                if (eq <= 0) {
                    throw new AuditException("audit sink entry '" + entry + "' has option '" + option
                            + "' without a value; write name=value, e.g. fsync=batch");
                }
                String name = option.substring(0, eq);
                if (options.put(name, option.substring(eq + 1)) != null) {
                    throw new AuditException("audit sink entry '" + entry + "' sets option '" + name
                            + "' twice; keep one");
                }
            }
        }
        return new SinkSpec(type, target, options, entry);
    }

    public String option(String name, String fallback) {
        return options.getOrDefault(name, fallback);
    }

    /** A size option like {@code 100MB}; {@code fallback} when absent. */
    public long sizeOption(String name, long fallback) {
        String value = options.get(name);
        return value == null ? fallback : parseSize(value, "option '" + name + "' of audit sink entry '" + text + "'");
    }

    /** An option whose value must be one of {@code allowed} (compared case-insensitively). */
    public String choiceOption(String name, Set<String> allowed, String fallback) {
        String value = options.get(name);
        if (value == null) {
            return fallback;
        }
        String lower = value.toLowerCase(Locale.ROOT);
        if (!allowed.contains(lower)) {
            throw new AuditException("option '" + name + "' of audit sink entry '" + text + "' is '" + value
                    + "'; allowed values: " + String.join(", ", allowed.stream().sorted().toList()));
        }
        return lower;
    }

    public static long parseSize(String value, String what) {
        Matcher matcher = SIZE.matcher(value.trim());
        if (!matcher.matches()) {
            throw new AuditException(what + " is '" + value + "', not a size; write e.g. 100MB, 512KB or 1GB");
        }
        long number = Long.parseLong(matcher.group(1));
        String unit = matcher.group(2).toUpperCase(Locale.ROOT);
        int shift = unit.startsWith("K") ? 10 : unit.startsWith("M") ? 20 : unit.startsWith("G") ? 30 : 0;
        if (number <= 0 || Long.numberOfLeadingZeros(number) <= shift) {
            throw new AuditException(what + " is '" + value + "'; it must be positive and below 8 EB");
        }
        return number << shift;
    }

    /** A duration like {@code 500ms}, {@code 10s}, {@code 5m}, {@code 1h} or ISO-8601 {@code PT10S}; {@code what} names it in the error. */
    public static Duration parseDuration(String value, String what) {
        Matcher matcher = DURATION.matcher(value.trim().toLowerCase(Locale.ROOT));
        if (matcher.matches()) {
            long amount;
            try {
                amount = Long.parseLong(matcher.group(1));
            } catch (NumberFormatException tooLong) {
                throw new AuditException(what + " is '" + value + "', too long a duration; write e.g. 500ms, 10s or 5m");
            }
            return switch (matcher.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                default -> Duration.ofHours(amount);
            };
        }
        try {
            return Duration.parse(value.trim());
        } catch (java.time.format.DateTimeParseException e) {
            throw new AuditException(what + " is '" + value + "', not a duration; write e.g. 500ms, 10s, 5m or PT10S");
        }
    }
}
