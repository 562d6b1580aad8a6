package dev.parley.sessions.domain;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * SHA-256 whose running state can be stored between appends (FIPS 180-4). {@link java.security.MessageDigest} cannot
 * export its midstate, so hashing a growing transcript with it would re-read every stored byte on each append. This
 * keeps the eight chaining words, the total length and the unprocessed tail (&lt; 64 bytes) — at most 104 bytes — so
 * an append costs only its own bytes and the hash of the whole transcript is always at hand.
 */
public final class Sha256State {

    private static final int[] K = {
            0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
            0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
            0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
            0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
            0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
            0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
            0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
            0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

    private static final int[] INITIAL = {
            0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

    private final int[] h;
    private final byte[] tail = new byte[64];
    private int tailLength;
    private long total;
    private final int[] w = new int[64];

    private Sha256State(int[] h, long total, byte[] tail, int tailLength) {
        this.h = h;
        this.total = total;
        System.arraycopy(tail, 0, this.tail, 0, tailLength);
        this.tailLength = tailLength;
    }

    /** The state of the empty message. */
    public static Sha256State initial() {
        return new Sha256State(INITIAL.clone(), 0, new byte[0], 0);
    }

    /** Bytes hashed so far. */
    public long length() {
        return total;
    }

    public Sha256State update(byte[] data) {
        return update(data, 0, data.length);
    }

    public Sha256State update(byte[] data, int offset, int length) {
        total += length;
        int i = offset;
        int end = offset + length;
        if (tailLength > 0) {
            int take = Math.min(64 - tailLength, length);
            System.arraycopy(data, i, tail, tailLength, take);
            tailLength += take;
            i += take;
            if (tailLength < 64) {
                return this;
            }
            compress(tail, 0);
            tailLength = 0;
        }
        while (end - i >= 64) {
            compress(data, i);
            i += 64;
        }
        System.arraycopy(data, i, tail, 0, end - i);
        tailLength = end - i;
        return this;
    }

    /** The hash of everything so far, lowercase hex; the state itself is unchanged (more can follow). */
    public String hex() {
        Sha256State copy = new Sha256State(h.clone(), total, tail, tailLength);
        long bits = total * 8;
        int padding = (tailLength < 56 ? 56 : 120) - tailLength;
        byte[] pad = new byte[padding + 8];
        pad[0] = (byte) 0x80;
        for (int j = 0; j < 8; j++) {
            pad[padding + j] = (byte) (bits >>> (56 - 8 * j));
        }
        copy.update(pad);
        ByteBuffer out = ByteBuffer.allocate(32);
        for (int word : copy.h) {
            out.putInt(word);
        }
        return HexFormat.of().formatHex(out.array());
    }

    /** Serialized state (base64) for storage beside the transcript head. */
    public String encode() {
        ByteBuffer buffer = ByteBuffer.allocate(32 + 8 + 1 + tailLength);
        for (int word : h) {
            buffer.putInt(word);
        }
        buffer.putLong(total);
        buffer.put((byte) tailLength);
        buffer.put(tail, 0, tailLength);
        return Base64.getEncoder().encodeToString(buffer.array());
    }

    public static Sha256State decode(String encoded) {
        if (encoded == null || encoded.isEmpty()) {
            return initial();
        }
        ByteBuffer buffer = ByteBuffer.wrap(Base64.getDecoder().decode(encoded));
        int[] h = new int[8];
        for (int j = 0; j < 8; j++) {
            h[j] = buffer.getInt();
        }
        long total = buffer.getLong();
        int tailLength = buffer.get();
        byte[] tail = new byte[tailLength];
        buffer.get(tail);
        return new Sha256State(h, total, tail, tailLength);
    }

    private void compress(byte[] block, int offset) {
        for (int t = 0; t < 16; t++) {
            int p = offset + 4 * t;
            w[t] = (block[p] & 0xff) << 24 | (block[p + 1] & 0xff) << 16 | (block[p + 2] & 0xff) << 8 | (block[p + 3] & 0xff);
        }
        for (int t = 16; t < 64; t++) {
            int s0 = Integer.rotateRight(w[t - 15], 7) ^ Integer.rotateRight(w[t - 15], 18) ^ (w[t - 15] >>> 3);
            int s1 = Integer.rotateRight(w[t - 2], 17) ^ Integer.rotateRight(w[t - 2], 19) ^ (w[t - 2] >>> 10);
            w[t] = w[t - 16] + s0 + w[t - 7] + s1;
        }
        int a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
        for (int t = 0; t < 64; t++) {
            int s1 = Integer.rotateRight(e, 6) ^ Integer.rotateRight(e, 11) ^ Integer.rotateRight(e, 25);
            int ch = (e & f) ^ (~e & g);
            int t1 = hh + s1 + ch + K[t] + w[t];
            int s0 = Integer.rotateRight(a, 2) ^ Integer.rotateRight(a, 13) ^ Integer.rotateRight(a, 22);
            int maj = (a & b) ^ (a & c) ^ (b & c);
            int t2 = s0 + maj;
            hh = g;
            g = f;
            f = e;
            e = d + t1;
            d = c;
            c = b;
            b = a;
            a = t1 + t2;
        }
        h[0] += a;
        h[1] += b;
        h[2] += c;
        h[3] += d;
        h[4] += e;
        h[5] += f;
        h[6] += g;
        h[7] += hh;
        Arrays.fill(w, 0);
    }
}
