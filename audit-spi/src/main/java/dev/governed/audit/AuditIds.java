package dev.governed.audit;

import java.security.SecureRandom;
import java.util.UUID;

/** Identifiers for audit events and streams: UUIDv7 (RFC 9562), time-ordered so ids sort by creation. */
public final class AuditIds {

    private static final SecureRandom RANDOM = new SecureRandom();

    private AuditIds() {}

    public static UUID uuidV7() {
        long millis = System.currentTimeMillis();
        byte[] random = new byte[10];
        RANDOM.nextBytes(random);
        long msb = (millis << 16) | 0x7000L | (((random[0] & 0x0FL) << 8) | (random[1] & 0xFFL));
        long lsb = 0x8000_0000_0000_0000L | (toLong(random, 2) & 0x3FFF_FFFF_FFFF_FFFFL);
        return new UUID(msb, lsb);
    }

    public static String newId() {
        return uuidV7().toString();
    }

    private static long toLong(byte[] bytes, int from) {
        long result = 0;
        for (int i = from; i < from + 8; i++) {
            result = (result << 8) | (bytes[i] & 0xFFL);
        }
        return result;
    }
}
