package dev.parley.gateway.domain;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;

/**
 * Self-contained stream tickets (ADR 0010): AES-256-GCM over {@code expiry millis | 16-byte nonce | access token},
 * base64url without padding. Any gateway holding the same secret can open a ticket; tampering fails the GCM tag.
 */
public final class TicketCodec {

    /** What a ticket carries. */
    public record Ticket(String token, Instant expiresAt, String nonce) {
    }

    private static final byte[] AAD = "parley.stream-ticket.v1".getBytes(StandardCharsets.US_ASCII);
    private static final int IV_BYTES = 12;
    private static final int NONCE_BYTES = 16;
    private static final int TAG_BITS = 128;

    private final SecretKeySpec key;
    private final SecureRandom random = new SecureRandom();

    public TicketCodec(String secret) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
            this.key = new SecretKeySpec(digest, "AES");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public String seal(String token, Instant expiresAt) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        byte[] tokenBytes = token.getBytes(StandardCharsets.UTF_8);
        ByteBuffer plain = ByteBuffer.allocate(8 + NONCE_BYTES + tokenBytes.length);
        plain.putLong(expiresAt.toEpochMilli()).put(nonce).put(tokenBytes);
        byte[] iv = new byte[IV_BYTES];
        random.nextBytes(iv);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
            cipher.updateAAD(AAD);
            byte[] sealed = cipher.doFinal(plain.array());
            byte[] out = new byte[IV_BYTES + sealed.length];
            System.arraycopy(iv, 0, out, 0, IV_BYTES);
            System.arraycopy(sealed, 0, out, IV_BYTES, sealed.length);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Opens a ticket; {@link AuthFailure} if it is not one of ours (unknown, tampered) or expired at {@code now}. */
    public Ticket open(String ticket, Instant now) {
        byte[] raw;
        try {
            raw = Base64.getUrlDecoder().decode(ticket);
        } catch (IllegalArgumentException e) {
            throw new AuthFailure("unknown ticket");
        }
        if (raw.length < IV_BYTES + 8 + NONCE_BYTES + TAG_BITS / 8) {
            throw new AuthFailure("unknown ticket");
        }
        byte[] plain;
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, raw, 0, IV_BYTES));
            cipher.updateAAD(AAD);
            plain = cipher.doFinal(raw, IV_BYTES, raw.length - IV_BYTES);
        } catch (GeneralSecurityException e) {
            throw new AuthFailure("unknown ticket");
        }
        ByteBuffer buffer = ByteBuffer.wrap(plain);
        Instant expiresAt = Instant.ofEpochMilli(buffer.getLong());
        byte[] nonce = new byte[NONCE_BYTES];
        buffer.get(nonce);
        String token = new String(plain, 8 + NONCE_BYTES, plain.length - 8 - NONCE_BYTES, StandardCharsets.UTF_8);
        if (!now.isBefore(expiresAt)) {
            throw new AuthFailure("expired ticket");
        }
        return new Ticket(token, expiresAt, Base64.getUrlEncoder().withoutPadding().encodeToString(nonce));
    }
}
