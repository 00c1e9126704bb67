package chat.protocol;

/**
 * Client to server, once per connection after {@link Sync}: "tell me who of the people I
 * share a channel with is connected, now and whenever it changes". Answered by one
 * {@link Presence} per such user who is online, then by changes. A client that never sends
 * it never receives {@link Presence} (a client older than presence would refuse the type).
 */
public record PresenceWatch() implements Message {

    public static final String TYPE = "presenceWatch";

    @Override
    public String type() {
        return TYPE;
    }
}
