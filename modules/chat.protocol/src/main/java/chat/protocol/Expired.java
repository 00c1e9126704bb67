package chat.protocol;

import java.util.Arrays;
import java.util.Objects;

/**
 * Server to client, in a replay: the channel's messages {@code fromSeq..toSeq} are past the
 * server's retention period and were dropped. Takes the place of those entries, in
 * channelSeq order. {@code head} is the chain head after entry {@code toSeq} and
 * {@code timestamp} that entry's server time: a device that holds entry {@code toSeq}
 * compares the head with its own (a difference is "rewritten history"); a device that does
 * not adopts it and checks the chain from there (docs/protocol.md, "Retention").
 */
public record Expired(String channelID, long fromSeq, long toSeq, byte[] head, long timestamp) implements Message {

    public static final String TYPE = "expired";

    public Expired {
        Objects.requireNonNull(channelID, "channelID");
        Objects.requireNonNull(head, "head");
        if (fromSeq < 2 || toSeq < fromSeq) {
            throw new IllegalArgumentException("expired run " + fromSeq + ".." + toSeq
                    + " must start at 2 or later (entry 1 creates the channel) and not end before it starts");
        }
    }

    /** How many entries the run stands for. */
    public long count() {
        return toSeq - fromSeq + 1;
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Expired e && channelID.equals(e.channelID) && fromSeq == e.fromSeq && toSeq == e.toSeq
                && timestamp == e.timestamp && Arrays.equals(head, e.head);
    }

    @Override
    public int hashCode() {
        return Objects.hash(channelID, fromSeq, toSeq, timestamp, Arrays.hashCode(head));
    }

    @Override
    public String toString() {
        return "Expired[" + channelID + " " + fromSeq + ".." + toSeq + "]";
    }
}
