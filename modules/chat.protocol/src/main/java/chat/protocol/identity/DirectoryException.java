package chat.protocol.identity;

/** A directory version or log that breaks the rules: bad signature, broken chain, impossible add or revoke. */
public final class DirectoryException extends Exception {

    public DirectoryException(String message) {
        super(message);
    }
}
