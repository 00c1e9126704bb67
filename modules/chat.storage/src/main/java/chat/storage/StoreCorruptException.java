package chat.storage;

/**
 * The data directory holds something recovery must not repair by cutting: a file that is
 * not ours, or a hole in the middle of the journal. A torn tail is not corruption: it is
 * cut off and logged at open.
 */
public final class StoreCorruptException extends StorageException {

    public StoreCorruptException(String message) {
        super(message);
    }
}
