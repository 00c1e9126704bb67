package chat.client;

/**
 * A command was refused: by the client itself before sending (code {@code local}) or by
 * the server ({@code code} is the protocol's error code, e.g. notMember, channelExists).
 */
public final class CommandException extends Exception {

    public static final String LOCAL = "local";

    private final String code;

    public CommandException(String code, String message) {
        super(message);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
