package chat.storage;

import java.io.IOException;

/** The operating system refused a read, write, fsync or file operation. */
public final class StoreIOException extends StorageException {

    public StoreIOException(String message, IOException cause) {
        super(message + ": " + cause, cause);
    }
}
