package dev.governed.core.identity;

import java.util.Optional;
import java.util.function.Function;

/**
 * A source of the process's own token, for agents that obtain one rather than
 * being given one (an OAuth client-credentials grant, a cloud metadata endpoint).
 * Implementations are found through {@link java.util.ServiceLoader} by
 * {@link Factory#type()}, named by the setting {@code governed.token.provider}.
 */
public interface TokenProvider extends AutoCloseable {

    /** The current token, fetching or renewing it when needed; empty when none can be had right now. */
    Optional<String> token();

    /** Where tokens come from and, after a failure, why the last attempt failed; never a token. */
    String description();

    @Override
    default void close() {}

    /** Creates providers of one type from {@code governed.*} settings. */
    interface Factory {
        String type();

        TokenProvider create(Function<String, String> settings);
    }
}
