package chat.client;

/** Login failed; {@link Reason} tells the cases a person must handle differently. */
public final class LoginException extends Exception {

    public enum Reason {
        /** The password does not open the user's key. */
        WRONG_PASSWORD,
        /** The server did not prove the key the directory lists for it. */
        SERVER_KEY_MISMATCH,
        /** No connection to the server could be made. */
        UNREACHABLE,
        /** The server refused the login (unknown user, too many connections, version). */
        REFUSED,
        /** The bundle or this device's local state cannot be used. */
        LOCAL_STATE,
        /** The admin revoked this user's key: it no longer logs in (retrying cannot help). */
        REVOKED
    }

    private final Reason reason;

    public LoginException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public LoginException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
