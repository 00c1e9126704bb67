package chat.client;

import java.util.List;

/**
 * A channel as this device knows it: members in join order, the admins among them in the
 * order they became admins, unread messages, newest channelSeq, the current key epoch, and
 * whether this user is still a member ({@code active} false after leaving or being removed:
 * the channel is then read-only history).
 */
public record ChannelInfo(String name, List<String> members, List<String> admins, int unread, long lastSeq, long epoch,
                          boolean active) {

    public ChannelInfo {
        members = List.copyOf(members);
        admins = List.copyOf(admins);
    }

    /** A channel whose roles are not known here (e.g. a frontend's test double): nobody is an admin. */
    public ChannelInfo(String name, List<String> members, int unread, long lastSeq) {
        this(name, members, List.of(), unread, lastSeq, 0, true);
    }

    public boolean isAdmin(String user) {
        return admins.contains(user);
    }
}
