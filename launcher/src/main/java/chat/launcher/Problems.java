package chat.launcher;

import chat.client.spi.ExitStatus;
import chat.crypto.Sha256;
import chat.crypto.SigningPublicKey;
import chat.protocol.identity.IdentityFileException;

/** Small shared pieces of the key commands: errors as sentences, and the admin key's fingerprint. */
final class Problems {

    private Problems() {
    }

    /** An unusable identity file as a sentence: a wrong password exits 3, anything else 1. */
    static CliException of(IdentityFileException e) {
        return new CliException(e.reason() == IdentityFileException.Reason.WRONG_PASSWORD ? ExitStatus.AUTH
                : ExitStatus.FAILURE, e.getMessage(), e);
    }

    private static final byte[] ADMIN_LABEL = "chat-v1 admin fingerprint".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /**
     * The admin key's fingerprint, read aloud like a user's: the directory names only the
     * admin's signing key, so it is SHA-256("chat-v1 admin fingerprint" ‖ signingKey) in
     * the six groups of five digits of {@link chat.crypto.Fingerprint}.
     */
    static String adminFingerprint(SigningPublicKey admin) {
        return chat.crypto.Fingerprint.digits(Sha256.hash(ADMIN_LABEL, admin.bytes()));
    }
}
