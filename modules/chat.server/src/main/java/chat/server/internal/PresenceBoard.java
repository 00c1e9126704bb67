package chat.server.internal;

import chat.protocol.Presence;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Who is connected, and telling those who may know. A user counts as online from the sync
 * of their first connection to the end of their last one. Only the people they share a
 * channel with (as members now, by durable entries) learn it, and only on connections that
 * asked ({@code presenceWatch}): a watcher gets the partners online when it asks, then
 * every change, and a partner who joins a channel later is announced both ways then.
 * Nobody else learns anything (docs/protocol.md, "Presence").
 *
 * <p>{@link #connected} and {@link #disconnected} are the feed: today this server's own
 * connections call them; a store shared by several servers would call them too.
 *
 * <p>Locking: this object's monitor, taken last (after any user or channel monitor); under
 * it only volatile member lists and concurrent maps are read and frames are offered to
 * connection queues, which never block.
 */
final class PresenceBoard {

    private final Hub hub;
    /** Synced connections per user who has any. */
    private final Map<String, Integer> connections = new HashMap<>();

    PresenceBoard(Hub hub) {
        this.hub = hub;
    }

    /** A connection of {@code user} has synced. */
    synchronized void connected(String user) {
        if (connections.merge(user, 1, Integer::sum) == 1) {
            announce(user, true, partners(user));
        }
    }

    /** A synced connection of {@code user} has ended. */
    synchronized void disconnected(String user) {
        Integer left = connections.computeIfPresent(user, (k, n) -> n == 1 ? null : n - 1);
        if (left == null) {
            announce(user, false, partners(user));
        }
    }

    synchronized boolean online(String user) {
        return connections.containsKey(user);
    }

    /** {@code conn} asked to watch: it is sent its user's partners who are online now, then changes. */
    synchronized void watch(Connection conn) {
        conn.watchPresence();
        for (String other : partners(conn.user().name())) {
            if (connections.containsKey(other)) {
                conn.send(new Presence(other, true));
            }
        }
    }

    /**
     * {@code user}'s joining of {@code channel} is durable: they and its members now share
     * a channel, so each side learns whether the other is online (a repeat of what a side
     * knew already is harmless).
     */
    synchronized void joined(String channel, String user) {
        ChannelState ch = hub.channel(channel);
        if (ch == null) {
            return;
        }
        Set<String> members = new LinkedHashSet<>(ch.deliverTo);
        members.remove(user);
        if (connections.containsKey(user)) {
            announce(user, true, members);
        }
        for (String member : members) {
            if (connections.containsKey(member)) {
                announce(member, true, Set.of(user));
            }
        }
    }

    private void announce(String user, boolean online, Set<String> to) {
        Presence message = new Presence(user, online);
        for (String other : to) {
            for (Connection conn : hub.user(other).live) {
                if (conn.watchesPresence()) {
                    conn.send(message);
                }
            }
        }
    }

    /** Everyone who is a member now of a channel {@code user} is a member of, but not {@code user}. */
    private Set<String> partners(String user) {
        Set<String> out = new LinkedHashSet<>();
        for (String channel : hub.channelsOf(user)) {
            ChannelState ch = hub.channel(channel);
            if (ch != null) {
                out.addAll(ch.deliverTo);
            }
        }
        out.remove(user);
        return out;
    }
}
