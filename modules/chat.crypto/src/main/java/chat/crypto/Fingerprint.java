package chat.crypto;

import java.nio.charset.StandardCharsets;

/**
 * A fingerprint people can read aloud and compare: SHA-256 over a label and the
 * principal's Ed25519 and X25519 public keys, shown as 30 decimal digits in six groups of
 * five (each group is 5 hash bytes modulo 100000), in the manner of Signal's safety
 * numbers. 30 digits carry about 100 bits: enough that no one can make a second key
 * with the same fingerprint.
 */
public final class Fingerprint {

    private static final byte[] LABEL = "chat-v1 fingerprint".getBytes(StandardCharsets.US_ASCII);
    private static final int GROUPS = 6;

    private Fingerprint() {
    }

    public static String of(SigningPublicKey signing, AgreementPublicKey agreement) {
        return digits(Sha256.hash(LABEL, signing.bytes(), agreement.bytes()));
    }

    /**
     * Bytes 0-29 of a SHA-256 hash as six big-endian 5-byte numbers, each modulo 100000,
     * in groups of five digits: the form every fingerprint is read aloud in.
     */
    public static String digits(byte[] hash) {
        StringBuilder out = new StringBuilder(GROUPS * 6);
        for (int g = 0; g < GROUPS; g++) {
            long chunk = 0;
            for (int i = 0; i < 5; i++) {
                chunk = (chunk << 8) | (hash[g * 5 + i] & 0xff);
            }
            if (g > 0) {
                out.append(' ');
            }
            out.append(String.format("%05d", chunk % 100_000));
        }
        return out.toString();
    }
}
