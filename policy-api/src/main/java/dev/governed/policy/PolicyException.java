package dev.governed.policy;

/** A policy document that cannot be loaded or is invalid; the message names the problem and where. */
public class PolicyException extends RuntimeException {
    public PolicyException(String message) {
        super(message);
    }

    public PolicyException(String message, Throwable cause) {
        super(message, cause);
    }
}
