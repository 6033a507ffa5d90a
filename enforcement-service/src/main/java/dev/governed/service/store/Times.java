package dev.governed.service.store;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** Times are stored as epoch microseconds: portable across H2 and PostgreSQL, and exact. */
public final class Times {
    private Times() {}

    public static long micros(Instant instant) {
        return ChronoUnit.MICROS.between(Instant.EPOCH, instant);
    }

    public static Instant instant(long micros) {
        return Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
    }
}
