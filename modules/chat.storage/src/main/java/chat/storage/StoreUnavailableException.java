package chat.storage;

/** A database store cannot be reached, refused the login, or failed a statement. */
public final class StoreUnavailableException extends StorageException {

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    public StoreUnavailableException(String message) {
        super(message);
    }
}
