package chat.crypto;

import org.bouncycastle.math.ec.rfc8032.Ed25519;

/** An Ed25519 signing key (RFC 8032): the 32-byte private seed and its public key. */
public final class SigningKeyPair {

    public static final int PRIVATE_LENGTH = Ed25519.SECRET_KEY_SIZE;

    static {
        Ed25519.precompute();
    }

    private final byte[] seed;
    private final SigningPublicKey publicKey;
    private final byte[] publicBytes;

    private SigningKeyPair(byte[] seed) throws MalformedInputException {
        this.seed = seed;
        this.publicBytes = new byte[SigningPublicKey.LENGTH];
        Ed25519.generatePublicKey(seed, 0, publicBytes, 0);
        this.publicKey = SigningPublicKey.of(publicBytes);
    }

    public static SigningKeyPair generate() {
        byte[] seed = new byte[PRIVATE_LENGTH];
        Ed25519.generatePrivateKey(CryptoRandom.secureRandom(), seed);
        try {
            return new SigningKeyPair(seed);
        } catch (MalformedInputException e) {
            throw new IllegalStateException("generated Ed25519 key is invalid", e);
        }
    }

    /** Rebuilds a key pair from its 32-byte private seed. */
    public static SigningKeyPair fromPrivate(byte[] seed) throws MalformedInputException {
        return new SigningKeyPair(Bytes.requireLength(seed, PRIVATE_LENGTH, "Ed25519 private key"));
    }

    public byte[] sign(byte[] message) {
        byte[] signature = new byte[SigningPublicKey.SIGNATURE_LENGTH];
        Ed25519.sign(seed, 0, publicBytes, 0, message, 0, message.length, signature, 0);
        return signature;
    }

    public SigningPublicKey publicKey() {
        return publicKey;
    }

    /** A copy of the private seed, for writing the key file; the caller wipes it. */
    public byte[] privateBytes() {
        return seed.clone();
    }

    /** Overwrites the private seed; the pair must not be used afterwards. */
    public void destroy() {
        Bytes.wipe(seed);
    }
}
