package chat.crypto;

/**
 * The result of wrapping a secret with {@link Hpke}: the KEM encapsulation {@code enc} (the
 * sender's ephemeral X25519 public key) and the AEAD ciphertext with its tag.
 */
public record HpkeSealed(byte[] enc, byte[] ciphertext) {

    public HpkeSealed {
        enc = enc.clone();
        ciphertext = ciphertext.clone();
    }

    @Override
    public byte[] enc() {
        return enc.clone();
    }

    @Override
    public byte[] ciphertext() {
        return ciphertext.clone();
    }
}
