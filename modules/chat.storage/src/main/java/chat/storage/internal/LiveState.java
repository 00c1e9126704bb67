package chat.storage.internal;

import chat.storage.ChannelState;
import chat.storage.EntryKind;
import chat.storage.RecoveredState;
import chat.storage.StoredEntry;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The durable state: each channel's head and membership and each user's highest userSeq,
 * as of the last durable entry. Memory is per channel and per user, never per message.
 *
 * <p>Locking rule: one writer at a time (recovery, then the committer thread) calls
 * {@link #apply} and {@link #snapshot}; any thread may call {@link #durableHead}, which
 * reads a volatile field through a concurrent map. The committer writes a channel's index
 * entries before it applies the entries here, so a reader that sees a head can read up
 * to it.
 */
final class LiveState {

    /** Replaced whole on every membership change, which is rare next to messages. */
    private static final class Channel {
        volatile long headSeq;
        byte[] headHash;
        ChannelState membership;
    }

    private final Map<String, Channel> channels = new ConcurrentHashMap<>();
    private final Map<String, Long> lastUserSeq = new HashMap<>();
    private final Map<String, Long> storedBytes = new HashMap<>();

    static LiveState of(RecoveredState state) {
        LiveState live = new LiveState();
        state.channels().forEach((name, c) -> {
            Channel channel = new Channel();
            channel.headSeq = c.headSeq();
            channel.headHash = c.headHash();
            channel.membership = c;
            live.channels.put(name, channel);
        });
        live.lastUserSeq.putAll(state.lastUserSeq());
        live.storedBytes.putAll(state.storedBytes());
        return live;
    }

    long durableHead(String channel) {
        Channel c = channels.get(channel);
        return c == null ? 0 : c.headSeq;
    }

    /** Why the entry cannot follow the state, or null if it can. */
    String misfit(StoredEntry entry) {
        long expected = durableHead(entry.channel()) + 1;
        if (entry.seq() != expected) {
            return "channel " + entry.channel() + " entry has seq " + entry.seq() + ", expected " + expected;
        }
        return null; // StoredEntry ties CREATE to seq 1, so contiguity covers the kinds too
    }

    void apply(StoredEntry entry) {
        Channel c = channels.get(entry.channel());
        if (entry.kind() == EntryKind.CREATE) {
            c = new Channel();
            c.membership = ChannelState.created(entry.channel(), entry.head(), entry.actor());
        } else if (entry.kind() != EntryKind.MESSAGE && entry.kind() != EntryKind.EXPIRED) {
            c.membership = Membership.apply(c.membership, entry);
        }
        c.headHash = entry.head();
        c.headSeq = entry.seq();
        if (entry.kind() == EntryKind.CREATE) {
            channels.put(entry.channel(), c); // published last, complete
        }
        lastUserSeq.merge(entry.actor(), entry.userSeq(), Math::max);
        storedBytes.merge(entry.actor(), (long) entry.payload().length, Long::sum);
    }

    /** Compaction dropped these payload bytes (user to bytes): they no longer count as stored. */
    void reclaim(Map<String, Long> bytes) {
        bytes.forEach((user, n) -> storedBytes.computeIfPresent(user, (u, had) -> Math.max(0, had - n)));
    }

    RecoveredState snapshot() {
        Map<String, ChannelState> states = new HashMap<>(channels.size() * 2);
        channels.forEach((name, c) -> {
            ChannelState m = c.membership;
            states.put(name, new ChannelState(name, c.headSeq, c.headHash, m.members(), m.admins(), m.epoch(),
                    m.rotationPending(), m.departed()));
        });
        return new RecoveredState(states, lastUserSeq, storedBytes);
    }
}
