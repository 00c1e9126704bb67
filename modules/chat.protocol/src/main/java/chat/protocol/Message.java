package chat.protocol;

/**
 * One protocol message: the JSON object inside a frame, told apart by its {@code type}.
 * Byte-array components are not copied; messages are values and nobody mutates them.
 * {@link MessageCodec} is the only place that turns messages into bytes and back.
 */
public sealed interface Message
        permits InitConn, InitKey, InitConfirm, Sync, ReplayFinished, ChannelEntry, ErrorMessage, Ping, Pong,
        DirectoryGet, DirectoryUpdate, Expired, PresenceWatch, Presence {

    /** The wire name in the {@code type} field. */
    String type();
}
