package dev.parley.sessions.domain;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The ledger's hash rule (contract §6, ADR 0057): {@code chain(n) = SHA-256(chain(n-1) ‖ envelope(n))} over the raw
 * 32 bytes of the previous chain and the envelope's exact UTF-8 bytes as stored and delivered; {@code chain(0)} is 32
 * zero bytes. Hashes are lowercase hex.
 */
public final class LedgerChain {

    /** The chain before the first event: 32 zero bytes, as hex. */
    public static final String GENESIS = "0".repeat(64);

    /** One link: the envelope's own SHA-256 and the chain after it. */
    public record Link(String sha256, String chain) {
    }

    private LedgerChain() {
    }

    public static Link next(String previousChain, String envelope) {
        byte[] bytes = envelope.getBytes(StandardCharsets.UTF_8);
        MessageDigest own = sha256();
        MessageDigest chain = sha256();
        chain.update(HexFormat.of().parseHex(previousChain));
        chain.update(bytes);
        return new Link(HexFormat.of().formatHex(own.digest(bytes)), HexFormat.of().formatHex(chain.digest()));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
