package dev.governed.core.identity;

/** A token that is missing, malformed, badly signed, expired or not for us; the message says which. */
public class InvalidTokenException extends Exception {
    public InvalidTokenException(String message) {
        super(message);
    }

    public InvalidTokenException(String message, Throwable cause) {
        super(message, cause);
    }
}
