package chat.protocol.json;

/** JSON that is malformed, exceeds a {@link JsonLimits} bound, or lacks a required field. */
public final class JsonException extends Exception {

    /** Whether the input broke a limit (as opposed to being malformed or incomplete). */
    private final boolean limit;

    public JsonException(String message, boolean limit) {
        super(message);
        this.limit = limit;
    }

    public boolean isLimit() {
        return limit;
    }
}
