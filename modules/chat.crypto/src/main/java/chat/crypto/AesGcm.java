package chat.crypto;

import java.security.GeneralSecurityException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM with a 96-bit nonce and a 128-bit tag (NIST SP 800-38D), through the JDK's
 * {@code Cipher}, whose AES-NI and CLMUL intrinsics make it many times faster than
 * BouncyCastle's. The ciphertext carries its tag at the end. An instance holds one key and
 * one {@code Cipher}, so it is not thread-safe: give each connection or thread its own.
 * Callers are responsible for never using a nonce twice under one key.
 */
public final class AesGcm {

    public static final int KEY_LENGTH = 32;
    public static final int NONCE_LENGTH = 12;
    public static final int TAG_LENGTH = 16;

    private final SecretKeySpec key;
    private final Cipher cipher;

    private AesGcm(byte[] key) {
        this.key = new SecretKeySpec(key, "AES");
        try {
            this.cipher = Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks AES/GCM/NoPadding", e);
        }
    }

    public static AesGcm of(byte[] key) throws MalformedInputException {
        byte[] copy = Bytes.requireLength(key, KEY_LENGTH, "AES-256 key");
        try {
            return new AesGcm(copy);
        } finally {
            Bytes.wipe(copy);
        }
    }

    public byte[] seal(byte[] nonce, byte[] aad, byte[] plaintext) throws MalformedInputException {
        return seal(nonce, aad, plaintext, 0, plaintext.length);
    }

    public byte[] seal(byte[] nonce, byte[] aad, byte[] plaintext, int offset, int length)
            throws MalformedInputException {
        checkNonce(nonce);
        try {
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_LENGTH * 8, nonce));
            if (aad != null && aad.length > 0) {
                cipher.updateAAD(aad);
            }
            return cipher.doFinal(plaintext, offset, length);
        } catch (GeneralSecurityException e) {
            throw new MalformedInputException("AES-GCM encryption failed: " + e.getMessage(), e);
        }
    }

    public byte[] open(byte[] nonce, byte[] aad, byte[] ciphertext) throws CryptoException {
        return open(nonce, aad, ciphertext, 0, ciphertext.length);
    }

    /** Decrypts and authenticates; a wrong key, nonce, aad or any flipped bit fails. */
    public byte[] open(byte[] nonce, byte[] aad, byte[] ciphertext, int offset, int length) throws CryptoException {
        checkNonce(nonce);
        if (length < TAG_LENGTH) {
            throw new MalformedInputException("AES-GCM ciphertext of " + length
                    + " bytes is shorter than its " + TAG_LENGTH + "-byte tag");
        }
        try {
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_LENGTH * 8, nonce));
            if (aad != null && aad.length > 0) {
                cipher.updateAAD(aad);
            }
            return cipher.doFinal(ciphertext, offset, length);
        } catch (AEADBadTagException e) {
            throw new AuthenticationFailedException("AES-GCM tag mismatch: wrong key or tampered data");
        } catch (GeneralSecurityException e) {
            throw new MalformedInputException("AES-GCM decryption failed: " + e.getMessage(), e);
        }
    }

    private static void checkNonce(byte[] nonce) throws MalformedInputException {
        if (nonce == null || nonce.length != NONCE_LENGTH) {
            throw new MalformedInputException("AES-GCM nonce must be " + NONCE_LENGTH + " bytes");
        }
    }
}
