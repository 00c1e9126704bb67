package chat.protocol;

/**
 * A protocol violation or a rejected request, with the {@link ErrorCode} that goes on the
 * wire. The message is a sentence naming the field, the limit or the rule broken.
 */
public class ProtocolException extends Exception {

    private final ErrorCode code;

    public ProtocolException(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    public ProtocolException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }
}
