package chat.server;

/** The server could not start or had to stop: a bad bundle, a locked data folder, a port in use, a failed disk. */
public final class ServerException extends Exception {

    public ServerException(String message) {
        super(message);
    }

    public ServerException(String message, Throwable cause) {
        super(message, cause);
    }
}
