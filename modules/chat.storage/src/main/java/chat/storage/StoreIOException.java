package chat.storage;

import java.io.IOException;

/** The operating system refused a read, write, fsync or file operation. */
public final class StoreIOException extends StorageException {

    public StoreIOException(String message, IOException cause) {
        super(message + ": " + cause, cause);
    }

    /** A refusal found before asking the operating system: the message says it all. */
    public StoreIOException(String message) {
        super(message);
    }
}
