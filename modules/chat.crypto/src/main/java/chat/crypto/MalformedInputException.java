package chat.crypto;

/** Input of the wrong length or shape: a truncated ciphertext, a key of 31 bytes, bad parameters. */
public final class MalformedInputException extends CryptoException {

    public MalformedInputException(String message) {
        super(message);
    }

    public MalformedInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
