package dev.governed.service.replay;

/** What replaying one recorded statement showed. */
public record Finding(RecordedStatement statement, Verdict verdict, String detail) {

    public enum Verdict {
        /** Row count and digest (or update count) as recorded. */
        SAME,
        /** Something differs from the recording; {@code detail} says what, recorded versus now. */
        DIFFERS,
        /** It was not run: the recording lacks what it needs (a parameter's value, the statement's literals). */
        NOT_REPLAYABLE,
        /** It ran, but the recording holds nothing to compare it with (no result digest). */
        UNCHECKED
    }
}
