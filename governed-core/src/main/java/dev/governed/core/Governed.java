package dev.governed.core;

import dev.governed.core.identity.ScopedToken;
import java.util.concurrent.Callable;

/**
 * Runs code as a caller. Every governed statement or request made on this thread
 * inside the call is decided and audited for {@code token}'s identity, whatever
 * token the connection was configured with, so one pool can serve many agents:
 *
 * <pre>{@code
 * List<Order> orders = Governed.runAs(agentToken, () -> repository.findOpenOrders());
 * }</pre>
 *
 * Calls nest; the previous caller is restored afterwards, even on failure.
 */
public final class Governed {
    private Governed() {}

    public static <T> T runAs(String token, Callable<T> work) throws Exception {
        return ScopedToken.call(token, work);
    }

    public static void runAs(String token, Runnable work) {
        ScopedToken.run(token, work);
    }
}
