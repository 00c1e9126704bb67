package chat.protocol;

/** The newest entry of a channel as the server has it: its sequence number and chain head. */
public record ChannelHead(long seq, byte[] head) {
}
