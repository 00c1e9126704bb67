package chat.crypto;

import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.hpke.HPKE;
import org.bouncycastle.crypto.hpke.HPKEContext;
import org.bouncycastle.crypto.hpke.HPKEContextWithEncapsulation;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;

/**
 * HPKE (RFC 9180) in base mode with the suite DHKEM(X25519, HKDF-SHA256), HKDF-SHA256,
 * ChaCha20-Poly1305 (kem 0x0020, kdf 0x0001, aead 0x0003): the suite of RFC 9180 appendix
 * A.2, so our implementation is checked against the RFC's own vectors. It wraps channel
 * keys to a member's long-term X25519 key; {@code info} binds the wrapping to its purpose.
 */
public final class Hpke {

    public static final int ENC_LENGTH = 32;

    private Hpke() {
    }

    private static HPKE suite() {
        return new HPKE(HPKE.mode_base, HPKE.kem_X25519_SHA256, HPKE.kdf_HKDF_SHA256, HPKE.aead_CHACHA20_POLY1305);
    }

    /**
     * Encrypts {@code plaintext} to {@code recipient}, with a fresh ephemeral key. A recipient
     * key of small order (all-zero shared secret) is refused with MalformedInputException.
     */
    public static HpkeSealed seal(AgreementPublicKey recipient, byte[] info, byte[] aad, byte[] plaintext)
            throws MalformedInputException {
        return seal(recipient, info, aad, plaintext, AgreementKeyPair.generate());
    }

    /** Encrypts with a given ephemeral key: only for reproducing the RFC's test vectors. */
    static HpkeSealed seal(AgreementPublicKey recipient, byte[] info, byte[] aad, byte[] plaintext,
                           AgreementKeyPair ephemeral) throws MalformedInputException {
        HPKE hpke = suite();
        AsymmetricKeyParameter pkR = hpke.deserializePublicKey(recipient.bytes());
        AsymmetricCipherKeyPair kpE = hpke.deserializePrivateKey(ephemeral.privateBytes(), ephemeral.publicKey().bytes());
        try {
            HPKEContextWithEncapsulation ctx = hpke.setupBaseS(pkR, info, kpE);
            byte[] ct = ctx.seal(aad, plaintext);
            return new HpkeSealed(ctx.getEncapsulation(), ct);
        } catch (InvalidCipherTextException e) {
            throw new IllegalStateException("HPKE seal failed", e);
        } catch (IllegalStateException | IllegalArgumentException e) {
            throw new MalformedInputException("HPKE recipient key refused: " + e.getMessage(), e);
        } finally {
            ephemeral.destroy();
        }
    }

    /** Decrypts a wrapped secret; a wrong recipient, info, aad or a flipped bit fails. */
    public static byte[] open(AgreementKeyPair recipient, HpkeSealed sealed, byte[] info, byte[] aad)
            throws CryptoException {
        byte[] enc = sealed.enc();
        if (enc.length != ENC_LENGTH) {
            throw new MalformedInputException("HPKE encapsulation must be " + ENC_LENGTH + " bytes, got " + enc.length);
        }
        byte[] ct = sealed.ciphertext();
        if (ct.length < 16) {
            throw new MalformedInputException("HPKE ciphertext of " + ct.length + " bytes is shorter than its tag");
        }
        HPKE hpke = suite();
        AsymmetricCipherKeyPair kpR = hpke.deserializePrivateKey(recipient.privateBytes(), recipient.publicKey().bytes());
        HPKEContext ctx;
        try {
            ctx = hpke.setupBaseR(enc, kpR, info);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new MalformedInputException("HPKE encapsulation rejected: " + e.getMessage(), e);
        }
        try {
            return ctx.open(aad, ct);
        } catch (InvalidCipherTextException e) {
            throw new AuthenticationFailedException("HPKE open failed: wrong recipient key, wrong context, or tampered data");
        }
    }
}
