package chat.crypto;

/**
 * Seals secrets (private keys, local state keys) under a passphrase: Argon2id (RFC 9106)
 * stretches the passphrase with a random 16-byte salt into an AES-256-GCM key; the caller's
 * {@code aad} (the file's purpose and owner) is authenticated, so a sealed key cannot be
 * moved to another user's file. A wrong passphrase fails the GCM tag check, so it is
 * reported as {@link AuthenticationFailedException} and never yields a wrong key.
 */
public final class PassphraseProtection {

    public static final int SALT_LENGTH = 16;

    private PassphraseProtection() {
    }

    public static ProtectedSecret seal(char[] passphrase, byte[] secret, byte[] aad, Argon2Params params) {
        byte[] salt = CryptoRandom.bytes(SALT_LENGTH);
        byte[] nonce = CryptoRandom.bytes(AesGcm.NONCE_LENGTH);
        byte[] key = Argon2id.derive(passphrase, salt, params, AesGcm.KEY_LENGTH);
        try {
            byte[] ct = AesGcm.of(key).seal(nonce, aad, secret);
            return new ProtectedSecret(params, salt, nonce, ct);
        } catch (MalformedInputException e) {
            throw new IllegalStateException(e);
        } finally {
            Bytes.wipe(key);
        }
    }

    public static byte[] open(char[] passphrase, ProtectedSecret sealed, byte[] aad) throws CryptoException {
        if (sealed.salt().length < 8) {
            throw new MalformedInputException("argon2 salt must be at least 8 bytes");
        }
        byte[] key = Argon2id.derive(passphrase, sealed.salt(), sealed.params(), AesGcm.KEY_LENGTH);
        try {
            return AesGcm.of(key).open(sealed.nonce(), aad, sealed.ciphertext());
        } catch (AuthenticationFailedException e) {
            throw new AuthenticationFailedException("wrong passphrase, or the protected file was altered");
        } finally {
            Bytes.wipe(key);
        }
    }
}
