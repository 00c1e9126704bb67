package chat.protocol;

/**
 * Client to server after login: "I hold the directory log up to version {@code number};
 * send me that version and every newer one". Answered by {@link DirectoryUpdate}; sent at
 * login before {@link Sync}, and again whenever a member's message names a newer version.
 */
public record DirectoryGet(long number) implements Message {

    public static final String TYPE = "directoryGet";

    @Override
    public String type() {
        return TYPE;
    }
}
