package dev.governed.core;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Time-ordered UUIDv7 ids (RFC 9562) for audit events and sessions. The random
 * bits come from {@link ThreadLocalRandom}: ids must be unique and sortable, not
 * secret, and a SecureRandom would put a lock on every statement.
 */
public final class EventIds {
    private EventIds() {}

    public static UUID next() {
        long millis = System.currentTimeMillis();
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high = (millis << 16) | 0x7000L | (random.nextLong() & 0x0FFFL);
        long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(high, low);
    }
}
