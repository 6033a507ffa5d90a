package dev.governed.core.identity;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * Where the raw token for the current call comes from. Sources are cheap to ask on every statement.
 *
 * <p>The standard precedence, first non-empty wins ({@link #standard}):
 * <ol>
 *   <li>the thread's scoped token ({@link ScopedToken}, i.e. {@code Governed.runAs(token, …)});
 *   <li>the connection property {@code governed.token};
 *   <li>the file named by {@code governed.token.file} (connection property, system property or
 *       {@code GOVERNED_TOKEN_FILE}), re-read when it changes;
 *   <li>the system property {@code governed.token};
 *   <li>the environment variable {@code GOVERNED_TOKEN}.
 * </ol>
 * Descriptions name where a token was looked for, never the token, so they can go into error messages.
 */
public interface TokenSource {
    String TOKEN_PROPERTY = "governed.token";
    String TOKEN_FILE_PROPERTY = "governed.token.file";
    String TOKEN_ENV = "GOVERNED_TOKEN";
    String TOKEN_FILE_ENV = "GOVERNED_TOKEN_FILE";
    Duration DEFAULT_FILE_CHECK_INTERVAL = Duration.ofMillis(200);

    /** The raw token for the current call, or empty when this source has none. */
    Optional<String> token();

    /** Where this source looks, for error messages, e.g. {@code file /run/agent/token}. */
    String description();

    /** A token given once, e.g. as the connection property {@code governed.token}. */
    static TokenSource fixed(String token, String description) {
        Optional<String> value = nonBlank(token);
        return new NamedTokenSource(description, () -> value);
    }

    /** A token file, re-read when its modification time or size changes (checked at most every 200 ms). */
    static TokenSource file(Path path) {
        return new FileTokenSource(path, DEFAULT_FILE_CHECK_INTERVAL);
    }

    static TokenSource file(Path path, Duration checkInterval) {
        return new FileTokenSource(path, checkInterval);
    }

    /** The token bound by the innermost {@link ScopedToken} call on this thread. */
    static TokenSource scoped() {
        return new NamedTokenSource("the scoped token (Governed.runAs)", ScopedToken::current);
    }

    static TokenSource systemProperty(String name) {
        return new NamedTokenSource("system property " + name, () -> nonBlank(System.getProperty(name)));
    }

    static TokenSource environment(String name) {
        return new NamedTokenSource("environment variable " + name, () -> nonBlank(System.getenv(name)));
    }

    /** The first source that has a token. */
    static TokenSource firstOf(List<TokenSource> sources) {
        List<TokenSource> chain = List.copyOf(sources);
        return new TokenSource() {
            @Override
            public Optional<String> token() {
                for (TokenSource each : chain) {
                    Optional<String> result = each.token();
                    if (result.isPresent()) {
                        return result;
                    }
                }
                return Optional.empty();
            }

            @Override
            public String description() {
                return String.join(", ", chain.stream().map(TokenSource::description).toList());
            }
        };
    }

    /** The standard precedence (see the class comment) for these connection properties. */
    static TokenSource standard(Properties connectionProperties) {
        return standard(connectionProperties, System.getProperties(), System.getenv());
    }

    /** As {@link #standard(Properties)}, with explicit system properties and environment. */
    static TokenSource standard(Properties connectionProperties, Properties systemProperties, Map<String, String> environment) {
        List<TokenSource> chain = new ArrayList<>();
        chain.add(scoped());
        String property = connectionProperties.getProperty(TOKEN_PROPERTY);
        if (property != null) {
            chain.add(fixed(property, "connection property " + TOKEN_PROPERTY));
        }
        String file = firstNonBlank(connectionProperties.getProperty(TOKEN_FILE_PROPERTY),
                systemProperties.getProperty(TOKEN_FILE_PROPERTY), environment.get(TOKEN_FILE_ENV));
        if (file != null) {
            chain.add(file(Path.of(file)));
        }
        chain.add(new NamedTokenSource("system property " + TOKEN_PROPERTY,
                () -> nonBlank(systemProperties.getProperty(TOKEN_PROPERTY))));
        chain.add(new NamedTokenSource("environment variable " + TOKEN_ENV, () -> nonBlank(environment.get(TOKEN_ENV))));
        return firstOf(chain);
    }

    private static Optional<String> nonBlank(String value) {
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    private static String firstNonBlank(String... values) {
        for (String each : values) {
            if (each != null && !each.isBlank()) {
                return each.trim();
            }
        }
        return null;
    }
}
