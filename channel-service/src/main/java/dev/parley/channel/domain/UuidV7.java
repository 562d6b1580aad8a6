package dev.parley.channel.domain;

import java.security.SecureRandom;
import java.util.UUID;

/**
 * Time-ordered UUIDs (RFC 9562 version 7): 48 bits of Unix milliseconds, then 12 bits that count up within one
 * millisecond (so ids from this process sort in creation order), then 62 random bits.
 */
public final class UuidV7 {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static long lastMillis = -1;
    private static int counter;

    private UuidV7() {
    }

    public static UUID next() {
        return next(System.currentTimeMillis());
    }

    static synchronized UUID next(long nowMillis) {
        long millis = Math.max(nowMillis, lastMillis);
        if (millis == lastMillis) {
            counter++;
            if (counter > 0xFFF) {
                millis++;
                counter = RANDOM.nextInt(0x800);
            }
        } else {
            counter = RANDOM.nextInt(0x800);
        }
        lastMillis = millis;
        long msb = (millis & 0xFFFF_FFFF_FFFFL) << 16 | 0x7000L | counter;
        long lsb = RANDOM.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL | 0x8000_0000_0000_0000L;
        return new UUID(msb, lsb);
    }

    /** The creation time of a version 7 id, in Unix milliseconds. */
    public static long millis(UUID id) {
        return id.getMostSignificantBits() >>> 16;
    }
}
