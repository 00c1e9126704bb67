package chat.crypto;

/**
 * A secret sealed under a passphrase: AES-256-GCM with a key from Argon2id over the
 * passphrase and {@code salt}. Everything needed to open it except the passphrase is here.
 */
public record ProtectedSecret(Argon2Params params, byte[] salt, byte[] nonce, byte[] ciphertext) {

    public ProtectedSecret {
        salt = salt.clone();
        nonce = nonce.clone();
        ciphertext = ciphertext.clone();
    }

    @Override
    public byte[] salt() {
        return salt.clone();
    }

    @Override
    public byte[] nonce() {
        return nonce.clone();
    }

    @Override
    public byte[] ciphertext() {
        return ciphertext.clone();
    }
}
