package dev.governed.core.internal.policy;

/** No policy fresh enough to decide on: never fetched, or the last good one is older than allowed. */
public final class PolicyUnavailable extends Exception {
    private static final long serialVersionUID = 1L;

    public PolicyUnavailable(String message, Throwable cause) {
        super(message, cause);
    }
}
