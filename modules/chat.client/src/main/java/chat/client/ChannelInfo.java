package chat.client;

import java.util.List;

/** A channel as this device knows it: members in join order, unread messages, newest channelSeq. */
public record ChannelInfo(String name, List<String> members, int unread, long lastSeq) {

    public ChannelInfo {
        members = List.copyOf(members);
    }
}
