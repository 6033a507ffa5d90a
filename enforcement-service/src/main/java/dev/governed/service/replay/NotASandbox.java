package dev.governed.service.replay;

/** The database named for a replay is not marked as a sandbox, so nothing was run on it. */
public final class NotASandbox extends Exception {

    NotASandbox(String message) {
        super(message, null, false, false);
    }
}
