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

    ChannelState(String name, byte[] genesis) {
        this.name = name;
        this.assignedHead = genesis;
        this.durable = new DurableHead(0, genesis);
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
