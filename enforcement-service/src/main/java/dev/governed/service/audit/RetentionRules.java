package dev.governed.service.audit;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * How long the service keeps audit events: a default period and periods per resource name and per environment
 * ({@code governed.service.audit.retention.default|resource.<name>|environment.<env>}, ISO-8601 durations such as
 * {@code P90D}). An event falls under every rule that matches it and is kept for the longest of them; an event no rule
 * matches is kept for ever. Immutable.
 */
public final class RetentionRules {
    public static final String PREFIX = "governed.service.audit.retention.";

    /**
     * One rule: {@code scope} is default, resource or environment; {@code value} the name it matches (null for default);
     * {@code written} the period as configured.
     */
    public record Rule(String scope, String value, Duration period, String written) {
        /** How verification output names the rule, e.g. {@code resource=orders-db P30D}. */
        public String describe() {
            return (value == null ? scope : scope + "=" + value) + " " + written;
        }
    }

    private final Rule fallback;
    private final Map<String, Rule> byResource;
    private final Map<String, Rule> byEnvironment;

    private RetentionRules(Rule fallback, Map<String, Rule> byResource, Map<String, Rule> byEnvironment) {
        this.fallback = fallback;
        this.byResource = Map.copyOf(byResource);
        this.byEnvironment = Map.copyOf(byEnvironment);
    }

    /** No rule: every event is kept for ever. */
    public static RetentionRules keepForever() {
        return new RetentionRules(null, Map.of(), Map.of());
    }

    /** The rules among {@code governed.service.audit.retention.*} properties; a bad key or period is refused with what to write. */
    public static RetentionRules fromProperties(Map<String, String> properties) {
        Rule fallback = null;
        Map<String, Rule> byResource = new TreeMap<>();
        Map<String, Rule> byEnvironment = new TreeMap<>();
        for (Map.Entry<String, String> each : new TreeMap<>(properties).entrySet()) {
            if (!each.getKey().startsWith(PREFIX) || each.getKey().equals(PREFIX + "interval")) {
                continue;
            }
            String name = each.getKey().substring(PREFIX.length());
            Duration period = period(each.getKey(), each.getValue());
            if (name.equals("default")) {
                fallback = new Rule("default", null, period, written(each));
            } else if (name.startsWith("resource.") && name.length() > "resource.".length()) {
                String resource = name.substring("resource.".length());
                byResource.put(resource, new Rule("resource", resource, period, written(each)));
            } else if (name.startsWith("environment.") && name.length() > "environment.".length()) {
                String environment = name.substring("environment.".length());
                byEnvironment.put(environment, new Rule("environment", environment, period, written(each)));
            } else {
                throw new IllegalArgumentException("unknown setting " + each.getKey() + "; retention rules are " + PREFIX + "default, "
                        + PREFIX + "resource.<name>, " + PREFIX + "environment.<env> and " + PREFIX + "interval");
            }
        }
        return new RetentionRules(fallback, byResource, byEnvironment);
    }

    private static String written(Map.Entry<String, String> setting) {
        return setting.getValue().trim().toUpperCase(java.util.Locale.ROOT);
    }

    /** A positive ISO-8601 duration, e.g. P30D or PT12H. */
    public static Duration period(String key, String text) {
        Duration result;
        try {
            result = Duration.parse(text.trim());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(key + "='" + text + "' is not an ISO-8601 duration; write days as P30D or hours as PT12H"
                    + " (years and months are not fixed lengths: use days, e.g. P365D)");
        }
        if (result.isNegative() || result.isZero()) {
            throw new IllegalArgumentException(key + "='" + text + "' must be a positive duration, e.g. P30D");
        }
        return result;
    }

    public boolean isEmpty() {
        return fallback == null && byResource.isEmpty() && byEnvironment.isEmpty();
    }

    /** The longest rule matching an event of {@code resource} in {@code environment} (either may be null); empty: kept for ever. */
    public Optional<Rule> longest(String resource, String environment) {
        Rule result = fallback;
        result = longer(result, resource == null ? null : byResource.get(resource));
        result = longer(result, environment == null ? null : byEnvironment.get(environment));
        return Optional.ofNullable(result);
    }

    static Rule longer(Rule a, Rule b) {
        if (a == null) {
            return b;
        }
        return b != null && b.period().compareTo(a.period()) > 0 ? b : a;
    }

    /** Every rule, default first, for listing. */
    public java.util.List<Rule> all() {
        java.util.List<Rule> result = new java.util.ArrayList<>();
        if (fallback != null) {
            result.add(fallback);
        }
        result.addAll(byResource.values());
        result.addAll(byEnvironment.values());
        return result;
    }
}
