package chat.protocol;

/**
 * The newest channel entry a sender had seen when it signed: its {@code channelSeq} and the
 * chain head after it. 0 and the genesis head for a channel's first entry.
 */
public record View(long seq, byte[] head) {
}
