package chat.protocol;

/** What the server adds when it accepts an entry: its place in the channel and the time (epoch ms). */
public record Stamp(long channelSeq, long timestamp) {
}
