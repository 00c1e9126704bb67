package chat.server.internal;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The server's view of one channel. Locking rule: the assignment fields (members, admins,
 * epoch, rotationPending, assignedSeq, assignedHead, lastTimestamp) are read and written
 * only while holding this object's monitor, which serialises every append to the channel;
 * they describe the channel after its newest accepted entry. {@link #durable} and
 * {@link #deliverTo} are volatile, read without a lock by broadcasts and replays, and
 * written only by the store's committer thread (and at start): they describe the channel
 * after its newest durable entry, so each entry goes to the members of its own moment.
 */
final class ChannelState {

    final String name;
    long epoch;
    /** Current members in the order of their current join, so the first joined earliest. */
    private final List<String> members = new ArrayList<>();
    private final Set<String> memberSet = new HashSet<>();
    /** Current admins: the creator first, then in promotion or succession order. */
    private final List<String> admins = new ArrayList<>();
    /** A departure came after the last rotate: only member entries and rotate are accepted. */
    boolean rotationPending;
    long assignedSeq;
    byte[] assignedHead;
    long lastTimestamp;
    volatile DurableHead durable;
    volatile List<String> deliverTo = List.of();
    /**
     * With a shared store: the membership after the newest durable entry, to undo with when
     * another server was first (Hub). Null until the creation is durable; unused with the journal.
     */
    chat.storage.ChannelState stored;
    /** The chain heads of the newest entries, so most views are checked without reading the journal. */
    private final byte[][] recentHeads = new byte[RECENT][];
    static final int RECENT = 1024;

    ChannelState(String name, byte[] genesis) {
        this.name = name;
        this.assignedHead = genesis;
        this.durable = new DurableHead(0, genesis);
    }

    /** Records the head after entry {@code seq}; caller holds this monitor. */
    void recordHead(long seq, byte[] head) {
        recentHeads[(int) (seq % RECENT)] = head;
    }

    /**
     * The chain head after entry {@code seq} if it is among the newest (or the genesis head
     * for 0), else null; caller holds this monitor and {@code seq <= assignedSeq}.
     */
    byte[] recentHead(long seq, byte[] genesis) {
        if (seq == 0) {
            return genesis;
        }
        if (seq > assignedSeq - RECENT) {
            return recentHeads[(int) (seq % RECENT)];
        }
        return null;
    }

    boolean isMember(String user) {
        return memberSet.contains(user);
    }

    boolean isAdmin(String user) {
        return admins.contains(user);
    }

    /** The current members as a set, for comparing with a rotate's keys. */
    Set<String> memberSet() {
        return Set.copyOf(memberSet);
    }

    void addMember(String user) {
        if (memberSet.add(user)) {
            members.add(user);
        }
    }

    void addAdmin(String user) {
        if (memberSet.contains(user) && !admins.contains(user)) {
            admins.add(user);
        }
    }

    /**
     * Ends {@code user}'s membership and leaves a rotation pending. Succession: if that
     * leaves members but no admin, the member who joined earliest becomes admin.
     */
    void removeMember(String user) {
        if (memberSet.remove(user)) {
            members.remove(user);
            admins.remove(user);
            if (admins.isEmpty() && !members.isEmpty()) {
                admins.add(members.getFirst());
            }
        }
        rotationPending = true;
    }

    /** Replaces the membership (members in join order, admins, epoch); caller holds this monitor. */
    void resetMembership(List<String> newMembers, List<String> newAdmins, long newEpoch, boolean pending) {
        members.clear();
        members.addAll(newMembers);
        memberSet.clear();
        memberSet.addAll(newMembers);
        admins.clear();
        admins.addAll(newAdmins);
        epoch = newEpoch;
        rotationPending = pending;
    }

    /** Restores the state recovered from the journal; caller holds this monitor. */
    void restore(chat.storage.ChannelState stored) {
        members.addAll(stored.members());
        memberSet.addAll(stored.members());
        admins.addAll(stored.admins());
        epoch = stored.epoch();
        rotationPending = stored.rotationPending();
        deliverTo = List.copyOf(stored.members());
    }
}
