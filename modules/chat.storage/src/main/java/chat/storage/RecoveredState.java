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
 */
public record RecoveredState(Map<String, ChannelState> channels, Map<String, Long> lastUserSeq) {

    /** The state of a store with no entries. */
    public static final RecoveredState EMPTY = new RecoveredState(Map.of(), Map.of());

    public RecoveredState {
        channels = Map.copyOf(channels);
        lastUserSeq = Map.copyOf(lastUserSeq);
        channels.forEach((name, state) -> {
            if (!name.equals(state.name())) {
                throw new IllegalArgumentException("channel state for " + state.name() + " is filed under " + name);
            }
        });
    }
}
