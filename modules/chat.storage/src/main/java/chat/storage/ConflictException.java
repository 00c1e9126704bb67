package chat.storage;

/** Another server wrote first: the entry does not follow the shared store's state (see {@link SharedStore#commit}). */
public final class ConflictException extends Exception {

    public ConflictException(String message) {
        super(message);
    }
}
