package dev.governed.audit.sink;

import dev.governed.audit.AuditException;
import java.time.Duration;
import java.util.Locale;

/**
 * When a file sink forces what it wrote to disk: its {@code fsync} option.
 *
 * @param interval {@link Duration#ZERO} for after every batch ({@code batch}), {@code null} for never
 *                 ({@code none}: the OS writes back in its own time), otherwise at most once per this
 *                 long ({@code 10ms}: group commit)
 */
public record FsyncPolicy(Duration interval) {

    /** Longer windows buy nothing: the writer forces at every checkpoint anyway (every 10 s by default). */
    static final Duration LONGEST = Duration.ofMinutes(1);
    public static final FsyncPolicy EACH_BATCH = new FsyncPolicy(Duration.ZERO);
    public static final FsyncPolicy NEVER = new FsyncPolicy(null);

    public FsyncPolicy {
        if (interval != null && (interval.isNegative() || interval.compareTo(LONGEST) > 0)) {
            throw new IllegalArgumentException("fsync interval must be between 0 and " + LONGEST + ", was " + interval);
        }
    }

    /** At most one force per {@code interval}; whatever was written is forced within it. */
    public static FsyncPolicy atMostEvery(Duration interval) {
        return interval.isZero() ? EACH_BATCH : new FsyncPolicy(interval);
    }

    /** The {@code fsync} option of {@code spec}: {@code batch} (the default), {@code none} or a duration such as {@code 10ms}. */
    static FsyncPolicy of(SinkSpec spec) {
        String value = spec.option("fsync", "batch").trim();
        switch (value.toLowerCase(Locale.ROOT)) {
            case "batch":
                return EACH_BATCH;
            case "none":
                return NEVER;
            default:
                break;
        }
        String what = "option 'fsync' of audit sink entry '" + spec.text() + "'";
        Duration interval;
        try {
            interval = SinkSpec.parseDuration(value, what);
        } catch (AuditException notADuration) {
            throw new AuditException(what + " is '" + value + "'; write batch (force after every batch), none"
                    + " (leave it to the OS) or a duration such as 10ms (force at most that often)");
        }
        if (interval.isZero() || interval.isNegative()) {
            throw new AuditException(what + " is '" + value + "'; a duration must be positive (fsync=batch forces"
                    + " after every batch)");
        }
        if (interval.compareTo(LONGEST) > 0) {
            throw new AuditException(what + " is '" + value + "'; at most " + LONGEST.toSeconds() + "s: accepted events"
                    + " would sit unforced that long, and checkpoints force the file anyway");
        }
        return new FsyncPolicy(interval);
    }

    boolean eachBatch() {
        return interval != null && interval.isZero();
    }

    boolean grouped() {
        return interval != null && !interval.isZero();
    }
}
