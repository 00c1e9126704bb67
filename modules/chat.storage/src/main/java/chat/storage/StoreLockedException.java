package chat.storage;

/** Another store, in this process or another, holds the data directory's lock. */
public final class StoreLockedException extends StorageException {

    public StoreLockedException(String message) {
        super(message);
    }
}
