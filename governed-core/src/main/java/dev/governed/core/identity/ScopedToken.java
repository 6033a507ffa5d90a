package dev.governed.core.identity;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * A token bound to the current thread for the duration of one call, so pooled connections shared by
 * several agents act for whoever is calling now. Calls nest; the outer token is restored afterwards,
 * also when the call throws. The binding is not inherited by threads the call starts.
 */
public final class ScopedToken {
    private static final ThreadLocal<String> CURRENT = new ThreadLocal<>();

    private ScopedToken() {}

    public static <T> T call(String token, Callable<T> body) throws Exception {
        String previous = bind(token);
        try {
            return body.call();
        } finally {
            restore(previous);
        }
    }

    public static void run(String token, Runnable body) {
        String previous = bind(token);
        try {
            body.run();
        } finally {
            restore(previous);
        }
    }

    /** The token of the innermost enclosing call on this thread, if any. */
    public static Optional<String> current() {
        return Optional.ofNullable(CURRENT.get());
    }

    private static String bind(String token) {
        Objects.requireNonNull(token, "token");
        if (token.isBlank()) {
            throw new IllegalArgumentException("a scoped token must not be blank");
        }
        String previous = CURRENT.get();
        CURRENT.set(token);
        return previous;
    }

    private static void restore(String previous) {
        if (previous == null) {
            CURRENT.remove();
        } else {
            CURRENT.set(previous);
        }
    }
}
