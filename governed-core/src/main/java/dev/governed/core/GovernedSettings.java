package dev.governed.core;

import java.time.Duration;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The {@code governed.*} settings of one datasource, looked up in the connection
 * properties first, then system properties, then {@code GOVERNED_*} environment
 * variables ({@code governed.token.file} is {@code GOVERNED_TOKEN_FILE}).
 */
public final class GovernedSettings {

    public static final String TOKEN = "governed.token";
    public static final String TOKEN_FILE = "governed.token.file";
    public static final String POLICY = "governed.policy";
    public static final String POLICY_REFRESH = "governed.policy.refresh";
    public static final String POLICY_MAX_STALE = "governed.policy.maxStale";
    public static final String POLICY_KEY = "governed.policy.key";
    public static final String POLICY_CACHE = "governed.policy.cache";
    public static final String ISSUER = "governed.issuer";
    public static final String JWKS = "governed.jwks";
    public static final String AUDIENCE = "governed.audience";
    public static final String RESOURCE = "governed.resource";
    public static final String ENVIRONMENT = "governed.environment";
    public static final String AUDIT = "governed.audit";
    public static final String ALLOW_UNWRAP = "governed.allowUnwrap";
    public static final String PREFIX = "governed.";

    private final Map<String, String> explicit;
    private final Function<String, String> systemProperties;
    private final Function<String, String> environment;

    private GovernedSettings(
            Map<String, String> explicit, Function<String, String> systemProperties, Function<String, String> environment) {
        this.explicit = explicit;
        this.systemProperties = systemProperties;
        this.environment = environment;
    }

    /** Settings from connection properties, falling back to this JVM's system properties and environment. */
    public static GovernedSettings from(Properties properties) {
        return from(properties, System::getProperty, System::getenv);
    }

    /** For tests: settings whose fallbacks are given rather than read from the JVM. */
    public static GovernedSettings from(
            Properties properties, Function<String, String> systemProperties, Function<String, String> environment) {
        Map<String, String> explicit = new TreeMap<>();
        if (properties != null) {
            for (String name : properties.stringPropertyNames()) {
                if (name.startsWith(PREFIX)) {
                    explicit.put(name, properties.getProperty(name));
                }
            }
        }
        return new GovernedSettings(Collections.unmodifiableMap(explicit), systemProperties, environment);
    }

    /**
     * The enforcement service's base URL when {@code governed.policy} names one (an {@code http(s)://} location);
     * empty for a local policy file or classpath resource.
     */
    public Optional<String> serviceUrl() {
        return get(POLICY).filter(GovernedSettings::isServiceUrl);
    }

    /** Whether a policy location is the enforcement service's URL rather than a file or classpath resource. */
    public static boolean isServiceUrl(String location) {
        String lower = location.toLowerCase(Locale.ROOT);
        return lower.startsWith("http://") || lower.startsWith("https://");
    }

    public Optional<String> get(String key) {
        String value = explicit.get(key);
        if (value == null) {
            value = systemProperties.apply(key);
        }
        if (value == null) {
            value = environment.apply(environmentName(key));
        }
        return Optional.ofNullable(value).map(String::strip).filter(each -> !each.isEmpty());
    }

    public boolean flag(String key) {
        return get(key).map(Boolean::parseBoolean).orElse(false);
    }

    /**
     * A duration setting: ISO-8601 ({@code PT30S}) or a number with a unit, {@code 500ms},
     * {@code 30s}, {@code 5m}, {@code 2h}, {@code 1d}.
     */
    public Duration duration(String key, Duration fallback) {
        Optional<String> value = get(key);
        if (value.isEmpty()) {
            return fallback;
        }
        String text = value.get().toLowerCase(Locale.ROOT);
        try {
            if (text.startsWith("p")) {
                return Duration.parse(text.toUpperCase(Locale.ROOT));
            }
            int split = 0;
            while (split < text.length() && Character.isDigit(text.charAt(split))) {
                split++;
            }
            long amount = Long.parseLong(text.substring(0, split));
            return switch (text.substring(split).strip()) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                case "d" -> Duration.ofDays(amount);
                default -> throw new IllegalArgumentException("unknown unit");
            };
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(key + "=" + value.get() + " is not a duration; write e.g. 30s, 5m,"
                    + " 500ms or PT30S", e);
        }
    }

    /** The explicit connection properties, which identify a datasource's configuration. */
    public Map<String, String> explicit() {
        return explicit;
    }

    static String environmentName(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_');
    }

    /** Copies {@code properties} without the {@code governed.*} keys, for the target driver. */
    public static Properties withoutGovernedKeys(Properties properties) {
        Properties result = new Properties();
        if (properties != null) {
            for (String name : properties.stringPropertyNames()) {
                if (!name.startsWith(PREFIX)) {
                    result.setProperty(name, properties.getProperty(name));
                }
            }
        }
        return result;
    }
}
