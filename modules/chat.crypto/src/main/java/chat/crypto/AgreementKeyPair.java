package chat.crypto;

import org.bouncycastle.math.ec.rfc7748.X25519;

/**
 * An X25519 key pair (RFC 7748). Long-term pairs receive wrapped channel keys; ephemeral
 * pairs give the handshake its forward secrecy and are destroyed right after use.
 */
public final class AgreementKeyPair {

    public static final int PRIVATE_LENGTH = X25519.SCALAR_SIZE;

    private final byte[] scalar;
    private final AgreementPublicKey publicKey;

    private AgreementKeyPair(byte[] scalar) {
        this.scalar = scalar;
        byte[] pub = new byte[AgreementPublicKey.LENGTH];
        X25519.scalarMultBase(scalar, 0, pub, 0);
        try {
            this.publicKey = AgreementPublicKey.of(pub);
        } catch (MalformedInputException e) {
            throw new IllegalStateException(e);
        }
    }

    public static AgreementKeyPair generate() {
        byte[] scalar = new byte[PRIVATE_LENGTH];
        X25519.generatePrivateKey(CryptoRandom.secureRandom(), scalar);
        return new AgreementKeyPair(scalar);
    }

    public static AgreementKeyPair fromPrivate(byte[] scalar) throws MalformedInputException {
        return new AgreementKeyPair(Bytes.requireLength(scalar, PRIVATE_LENGTH, "X25519 private key"));
    }

    /**
     * The raw X25519 shared secret with {@code peer}. A peer key of small order yields the
     * all-zero secret, which RFC 7748 section 6.1 says to refuse; we do.
     */
    public byte[] agree(AgreementPublicKey peer) throws MalformedInputException {
        byte[] shared = new byte[X25519.POINT_SIZE];
        if (!X25519.calculateAgreement(scalar, 0, peer.raw(), 0, shared, 0)) {
            throw new MalformedInputException("X25519 peer key is of small order (all-zero shared secret)");
        }
        return shared;
    }

    public AgreementPublicKey publicKey() {
        return publicKey;
    }

    /** A copy of the private scalar, for writing the key file; the caller wipes it. */
    public byte[] privateBytes() {
        return scalar.clone();
    }

    byte[] rawPrivate() {
        return scalar;
    }

    public void destroy() {
        Bytes.wipe(scalar);
    }
}
