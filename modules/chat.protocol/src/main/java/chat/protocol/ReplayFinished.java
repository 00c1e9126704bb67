package chat.protocol;

import java.util.Map;

/**
 * Server to client, after the replay: the user's last accepted {@code userSeq} (so a second
 * device continues above it) and, for every channel the user is a member of, the head the
 * server claims: a client whose own record is longer or different raises an alarm.
 */
public record ReplayFinished(long userSeq, Map<String, ChannelHead> heads) implements Message {

    public static final String TYPE = "replayFinished";

    public ReplayFinished {
        heads = Map.copyOf(heads);
    }

    @Override
    public String type() {
        return TYPE;
    }
}
