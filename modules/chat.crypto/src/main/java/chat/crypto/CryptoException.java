package chat.crypto;

/**
 * Root of every failure the crypto core reports. A caller can tell a forgery or a wrong
 * key ({@link AuthenticationFailedException}) from input that is not even well formed
 * ({@link MalformedInputException}); neither ever comes back as garbage output.
 */
public sealed class CryptoException extends Exception
        permits AuthenticationFailedException, MalformedInputException {

    CryptoException(String message) {
        super(message);
    }

    CryptoException(String message, Throwable cause) {
        super(message, cause);
    }
}
