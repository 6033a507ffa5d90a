package dev.governed.audit;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Identifiers for audit events and streams: UUIDv7 (RFC 9562), time-ordered so ids
 * sort by creation. The random bits come from {@link ThreadLocalRandom}: ids must be
 * unique and sortable, not secret, and a shared SecureRandom would put a lock on
 * every governed statement.
 */
public final class AuditIds {

    private AuditIds() {}

    public static UUID uuidV7() {
        long millis = System.currentTimeMillis();
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long msb = (millis << 16) | 0x7000L | (random.nextLong() & 0x0FFFL);
        long lsb = 0x8000_0000_0000_0000L | (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL);
        return new UUID(msb, lsb);
    }

    public static String newId() {
        return uuidV7().toString();
    }
}
