package dev.parley.rooms.domain;

import java.security.SecureRandom;
import java.util.UUID;

/**
 * Time-ordered UUIDs (RFC 9562 version 7): 48 bits of Unix milliseconds, a 12-bit counter that keeps ids of one
 * process strictly increasing within a millisecond (RFC 9562 §6.2 method 1), then 62 random bits.
 */
public final class UuidV7 {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static long lastMillis;
    private static long counter;

    private UuidV7() {
    }

    public static synchronized UUID next() {
        long millis = System.currentTimeMillis();
        if (millis <= lastMillis) {
            millis = lastMillis;
            counter++;
            if (counter > 0xFFF) {
                millis++;
                counter = 0;
            }
        } else {
            counter = RANDOM.nextInt(1 << 11); // leave room to count up within the millisecond
        }
        lastMillis = millis;
        long msb = (millis & 0xFFFF_FFFF_FFFFL) << 16 | 0x7000L | counter;
        long lsb = RANDOM.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL | 0x8000_0000_0000_0000L;
        return new UUID(msb, lsb);
    }
}
