package chat.protocol;

/**
 * Server to client, only after {@link PresenceWatch}: {@code user}, who shares a channel
 * with the receiver, now has a connection to this server ({@code online}) or no longer has
 * any. Metadata the server holds anyway; it tells nobody outside the user's channels.
 */
public record Presence(String user, boolean online) implements Message {

    public static final String TYPE = "presence";

    public Presence {
        if (!Names.isValidUser(user)) {
            throw new IllegalArgumentException(Names.userProblem(user));
        }
    }

    @Override
    public String type() {
        return TYPE;
    }
}
