package chat.server.internal;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The server's view of one channel. Locking rule: the assignment fields (members,
 * assignedSeq, assignedHead, lastTimestamp) are read and written only while holding this
 * object's monitor, which serialises every append to the channel; {@link #durable} and
 * {@link #memberSnapshot} are volatile and read without a lock by broadcasts and replays.
 */
final class ChannelState {

    final String name;
    final long epoch = 0;
    private final List<String> members = new ArrayList<>();
    private final Set<String> memberSet = new HashSet<>();
    long assignedSeq;
    byte[] assignedHead;
    long lastTimestamp;
    volatile DurableHead durable;
    volatile List<String> memberSnapshot = List.of();
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

    void addMember(String user) {
        if (memberSet.add(user)) {
            members.add(user);
            memberSnapshot = List.copyOf(members);
        }
    }
}
