package chat.storage;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the store knows about one channel at a point of its journal: the state every
 * client and the server compute from the channel's entries in channelSeq order
 * (docs/protocol.md, "Roles and membership changes").
 *
 * @param name            the channel name
 * @param headSeq         seq of the channel's last durable entry (at least 1: a channel
 *                        exists from its CREATE on)
 * @param headHash        the hash-chain head stored with that entry; not copied (see
 *                        {@link StoredEntry} on array ownership)
 * @param members         current members in the order of their current membership's join,
 *                        so the first is the one who joined earliest; empty once everyone
 *                        has left; an immutable copy
 * @param admins          current admins: the creator first, then in promotion (or
 *                        succession) order; all of them members; an immutable copy
 * @param epoch           the current key epoch: the number of ROTATE entries
 * @param rotationPending a LEAVE or REMOVE came after the last ROTATE
 * @param departed        users who left or were removed and are not members again, each
 *                        with the seq of their last departure; an immutable copy
 */
public record ChannelState(String name, long headSeq, byte[] headHash, List<String> members, List<String> admins,
                           long epoch, boolean rotationPending, Map<String, Long> departed) {

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
        admins = List.copyOf(admins);
        departed = Map.copyOf(departed);
        if (!members.containsAll(admins)) {
            throw new IllegalArgumentException("channel " + name + " has admins " + admins + " who are not among its members "
                    + members);
        }
        if (!members.isEmpty() && admins.isEmpty()) {
            throw new IllegalArgumentException("channel " + name + " has members but no admin");
        }
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch " + epoch + " of channel " + name + " is negative");
        }
        for (var d : departed.entrySet()) {
            if (members.contains(d.getKey()) || d.getValue() < 2 || d.getValue() > headSeq) {
                throw new IllegalArgumentException("channel " + name + " lists " + d.getKey() + " as departed at "
                        + d.getValue() + " while a member or outside 2.." + headSeq);
            }
        }
    }

    /** A channel as its creation leaves it. */
    public static ChannelState created(String name, byte[] headHash, String creator) {
        return new ChannelState(name, 1, headHash, List.of(creator), List.of(creator), 0, false, Map.of());
    }

    /**
     * The state after {@code entry}, the channel's next entry (a CREATE gives a new channel's
     * state whatever this is): the fold every server and client computes (the store checks
     * nothing here; the server checked the entry before accepting it).
     */
    public ChannelState after(StoredEntry entry) {
        if (entry.kind() == EntryKind.CREATE) {
            return created(entry.channel(), entry.head(), entry.actor());
        }
        ChannelState next = chat.storage.internal.Membership.apply(this, entry);
        return next.headSeq() == entry.seq() ? next
                : new ChannelState(name, entry.seq(), entry.head(), members, admins, epoch, rotationPending, departed);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChannelState c && headSeq == c.headSeq && name.equals(c.name)
                && Arrays.equals(headHash, c.headHash) && members.equals(c.members) && admins.equals(c.admins)
                && epoch == c.epoch && rotationPending == c.rotationPending && departed.equals(c.departed);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, headSeq, Arrays.hashCode(headHash), members, admins, epoch, rotationPending, departed);
    }

    @Override
    public String toString() {
        return "ChannelState[" + name + " head " + headSeq + " " + HexFormat.of().formatHex(headHash)
                + ", members " + members + ", admins " + admins + ", epoch " + epoch
                + (rotationPending ? " (rotation pending)" : "") + ", departed " + departed + "]";
    }
}
