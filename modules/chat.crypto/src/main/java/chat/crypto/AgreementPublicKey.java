package chat.crypto;

import java.util.Arrays;
import org.bouncycastle.math.ec.rfc7748.X25519;

/** An X25519 public key (RFC 7748), used for the handshake and as an HPKE recipient. */
public final class AgreementPublicKey {

    public static final int LENGTH = X25519.POINT_SIZE;

    private final byte[] encoded;

    private AgreementPublicKey(byte[] encoded) {
        this.encoded = encoded;
    }

    public static AgreementPublicKey of(byte[] encoded) throws MalformedInputException {
        return new AgreementPublicKey(Bytes.requireLength(encoded, LENGTH, "X25519 public key"));
    }

    public byte[] bytes() {
        return encoded.clone();
    }

    byte[] raw() {
        return encoded;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AgreementPublicKey other && Arrays.equals(encoded, other.encoded);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(encoded);
    }

    @Override
    public String toString() {
        return "X25519:" + Bytes.hex(encoded);
    }
}
