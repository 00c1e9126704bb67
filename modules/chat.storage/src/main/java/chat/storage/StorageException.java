package chat.storage;

/**
 * Root of every failure the store reports. The message names the file and the problem.
 * The variants say what the operator should do: stop the other server
 * ({@link StoreLockedException}), use a matching server version
 * ({@link StoreFormatException}), restore from a backup ({@link StoreCorruptException}),
 * fix the disk ({@link StoreIOException}) or the database ({@link StoreUnavailableException}).
 */
public sealed class StorageException extends Exception
        permits StoreLockedException, StoreFormatException, StoreCorruptException, StoreIOException,
        StoreUnavailableException {

    StorageException(String message) {
        super(message);
    }

    StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
