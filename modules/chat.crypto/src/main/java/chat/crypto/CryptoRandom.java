package chat.crypto;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;

/**
 * The single source of randomness for keys, nonces and salts. It is the platform's
 * non-blocking system generator ({@code /dev/urandom} through NativePRNGNonBlocking where
 * it exists), which never blocks after boot and is seeded by the kernel.
 */
public final class CryptoRandom {

    private static final SecureRandom RANDOM = create();

    private CryptoRandom() {
    }

    private static SecureRandom create() {
        try {
            return SecureRandom.getInstance("NativePRNGNonBlocking");
        } catch (NoSuchAlgorithmException e) {
            return new SecureRandom();
        }
    }

    /** Fills {@code out} with random bytes. */
    public static void fill(byte[] out) {
        RANDOM.nextBytes(out);
    }

    /** Returns {@code n} fresh random bytes. */
    public static byte[] bytes(int n) {
        byte[] out = new byte[n];
        RANDOM.nextBytes(out);
        return out;
    }

    /** The generator itself, for the BouncyCastle calls inside this module. */
    static SecureRandom secureRandom() {
        return RANDOM;
    }
}
