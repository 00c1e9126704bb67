package chat.storage;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * What the store knows about one channel at a point of its journal.
 *
 * @param name     the channel name
 * @param headSeq  seq of the channel's last durable entry (at least 1: a channel exists
 *                 from its CREATE on)
 * @param headHash the hash-chain head stored with that entry; not copied (see
 *                 {@link StoredEntry} on array ownership)
 * @param members  members in join order, the creator first; an immutable copy
 */
public record ChannelState(String name, long headSeq, byte[] headHash, List<String> members) {

    public ChannelState {
        Names.check("channel", name, StoredEntry.MAX_NAME_CHARS);
        if (headSeq < 1) {
            throw new IllegalArgumentException("headSeq " + headSeq + " of channel " + name + " must be at least 1");
        }
        Objects.requireNonNull(headHash, "headHash");
        if (headHash.length != StoredEntry.HEAD_BYTES) {
            throw new IllegalArgumentException("headHash of channel " + name + " has " + headHash.length
                    + " bytes, must have " + StoredEntry.HEAD_BYTES);
        }
        members = List.copyOf(members);
        if (members.isEmpty()) {
            throw new IllegalArgumentException("channel " + name + " has no members");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChannelState c && headSeq == c.headSeq && name.equals(c.name)
                && Arrays.equals(headHash, c.headHash) && members.equals(c.members);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, headSeq, Arrays.hashCode(headHash), members);
    }

    @Override
    public String toString() {
        return "ChannelState[" + name + " head " + headSeq + " " + HexFormat.of().formatHex(headHash)
                + ", members " + members + "]";
    }
}
