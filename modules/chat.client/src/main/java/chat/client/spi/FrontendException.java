package chat.client.spi;

/** No frontend of that name, or a plugin that cannot be loaded. */
public final class FrontendException extends Exception {

    public FrontendException(String message) {
        super(message);
    }
}
