package chat.protocol;

import java.util.Map;

/**
 * Client to server after login: per channel, the last {@code channelSeq} this device holds.
 * The server replays everything after it (everything for channels not named), then sends
 * {@link ReplayFinished}, then live traffic.
 */
public record Sync(Map<String, Long> cursors) implements Message {

    public static final String TYPE = "sync";

    public Sync {
        cursors = Map.copyOf(cursors);
    }

    @Override
    public String type() {
        return TYPE;
    }
}
