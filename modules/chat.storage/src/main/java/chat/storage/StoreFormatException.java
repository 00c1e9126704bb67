package chat.storage;

/** The data directory was written in an on-disk format version this code does not read. */
public final class StoreFormatException extends StorageException {

    public StoreFormatException(String message) {
        super(message);
    }
}
