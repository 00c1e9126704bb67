package chat.protocol;

/**
 * An entry of a channel's history: what a member signs, the server orders and stamps, and
 * every member chains (docs/protocol.md, "Channel entries"). Every entry names its channel,
 * the key epoch its author believed current, its author, the author's userSeq and view, and
 * carries the author's signature; {@code stamp} is null from a client and set by the server.
 * A switch over this sealed type makes the compiler name every place a new kind must reach.
 */
public sealed interface ChannelEntry extends Message permits AddUser, Comms, MemberChange, Rotate {

    String channelID();

    long epoch();

    /** The user who signed the entry. */
    String author();

    long userSeq();

    View view();

    byte[] signature();

    /** Null until the server accepts the entry. */
    Stamp stamp();

    ChannelEntry withStamp(Stamp stamp);

    /** The entry as its author signed and sent it: without the server's stamp. */
    default ChannelEntry unstamped() {
        return stamp() == null ? this : withStamp(null);
    }
}
