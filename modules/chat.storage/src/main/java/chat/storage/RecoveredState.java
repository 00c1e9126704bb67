package chat.storage;

import java.util.Map;

/**
 * The state the server rebuilds its in-memory view from at start: every channel's head and
 * members, and for every user the highest userSeq of any entry they sent. It is derived
 * from the journal alone; nothing in it grows with the number of messages.
 *
 * @param channels    channel name to state; an immutable copy
 * @param lastUserSeq user name to the highest userSeq of the entries they acted in; an
 *                    immutable copy
 * @param storedBytes user name to the payload bytes of every entry they acted in (what
 *                    storage quotas count); an immutable copy
 */
public record RecoveredState(Map<String, ChannelState> channels, Map<String, Long> lastUserSeq,
                             Map<String, Long> storedBytes) {

    /** The state of a store with no entries. */
    public static final RecoveredState EMPTY = new RecoveredState(Map.of(), Map.of(), Map.of());

    /** A state with no stored bytes counted (for tests of membership and userSeq). */
    public RecoveredState(Map<String, ChannelState> channels, Map<String, Long> lastUserSeq) {
        this(channels, lastUserSeq, Map.of());
    }

    /** The payload bytes of every entry, whoever sent it. */
    public long totalStoredBytes() {
        return storedBytes.values().stream().mapToLong(Long::longValue).sum();
    }

    public RecoveredState {
        channels = Map.copyOf(channels);
        lastUserSeq = Map.copyOf(lastUserSeq);
        storedBytes = Map.copyOf(storedBytes);
        channels.forEach((name, state) -> {
            if (!name.equals(state.name())) {
                throw new IllegalArgumentException("channel state for " + state.name() + " is filed under " + name);
            }
        });
    }
}
