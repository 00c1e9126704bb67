package chat.protocol.identity;

import chat.crypto.AgreementKeyPair;
import chat.crypto.MalformedInputException;
import chat.crypto.SigningKeyPair;

/** A principal's private keys: an Ed25519 signing pair and an X25519 agreement pair. */
public record IdentityKeys(String name, SigningKeyPair signing, AgreementKeyPair agreement) {

    static final int SECRET_LENGTH = SigningKeyPair.PRIVATE_LENGTH + AgreementKeyPair.PRIVATE_LENGTH;

    public static IdentityKeys generate(String name) {
        return new IdentityKeys(name, SigningKeyPair.generate(), AgreementKeyPair.generate());
    }

    public Principal principal() {
        return new Principal(name, signing.publicKey(), agreement.publicKey());
    }

    /** The 64 secret bytes (signing seed, then agreement scalar) as stored in key files. */
    byte[] secretBytes() {
        byte[] out = new byte[SECRET_LENGTH];
        byte[] s = signing.privateBytes();
        byte[] a = agreement.privateBytes();
        System.arraycopy(s, 0, out, 0, s.length);
        System.arraycopy(a, 0, out, s.length, a.length);
        java.util.Arrays.fill(s, (byte) 0);
        java.util.Arrays.fill(a, (byte) 0);
        return out;
    }

    static IdentityKeys fromSecret(String name, byte[] secret) throws MalformedInputException {
        if (secret.length != SECRET_LENGTH) {
            throw new MalformedInputException("identity secret must be " + SECRET_LENGTH + " bytes, got " + secret.length);
        }
        byte[] s = java.util.Arrays.copyOfRange(secret, 0, SigningKeyPair.PRIVATE_LENGTH);
        byte[] a = java.util.Arrays.copyOfRange(secret, SigningKeyPair.PRIVATE_LENGTH, SECRET_LENGTH);
        try {
            return new IdentityKeys(name, SigningKeyPair.fromPrivate(s), AgreementKeyPair.fromPrivate(a));
        } finally {
            java.util.Arrays.fill(s, (byte) 0);
            java.util.Arrays.fill(a, (byte) 0);
        }
    }

    public void destroy() {
        signing.destroy();
        agreement.destroy();
    }
}
