package chat.crypto;

/** A tag, a signature or a passphrase did not check out: wrong key, or tampered data. */
public final class AuthenticationFailedException extends CryptoException {

    public AuthenticationFailedException(String message) {
        super(message);
    }
}
