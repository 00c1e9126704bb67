package chat.crypto;

import java.util.Arrays;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * An Ed25519 public key (RFC 8032). The decoded curve point is computed once, when the
 * key is created, and reused by every verification: the server checks every message it
 * accepts, so this halves the cost of a check.
 */
public final class SigningPublicKey {

    public static final int LENGTH = Ed25519.PUBLIC_KEY_SIZE;
    public static final int SIGNATURE_LENGTH = Ed25519.SIGNATURE_SIZE;

    private final byte[] encoded;
    private final Ed25519.PublicPoint point;

    private SigningPublicKey(byte[] encoded, Ed25519.PublicPoint point) {
        this.encoded = encoded;
        this.point = point;
    }

    /** Decodes and fully validates a 32-byte key; small-order and off-curve points are refused. */
    public static SigningPublicKey of(byte[] encoded) throws MalformedInputException {
        byte[] copy = Bytes.requireLength(encoded, LENGTH, "Ed25519 public key");
        Ed25519.PublicPoint point = Ed25519.validatePublicKeyFullExport(copy, 0);
        if (point == null) {
            throw new MalformedInputException("Ed25519 public key is not a valid curve point");
        }
        return new SigningPublicKey(copy, point);
    }

    /** True when {@code signature} is this key's signature over {@code message}. */
    public boolean verify(byte[] message, byte[] signature) {
        if (signature == null || signature.length != SIGNATURE_LENGTH || message == null) {
            return false;
        }
        return Ed25519.verify(signature, 0, point, message, 0, message.length);
    }

    /** Throws unless {@code signature} is valid: for callers that treat a bad signature as an error. */
    public void requireValid(byte[] message, byte[] signature, String what) throws AuthenticationFailedException {
        if (!verify(message, signature)) {
            throw new AuthenticationFailedException("bad signature on " + what);
        }
    }

    public byte[] bytes() {
        return encoded.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SigningPublicKey other && Arrays.equals(encoded, other.encoded);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(encoded);
    }

    @Override
    public String toString() {
        return "Ed25519:" + Bytes.hex(encoded);
    }
}
