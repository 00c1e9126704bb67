package chat.client;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What the client tells its frontend, in order, on one thread. The client never prints;
 * a frontend shows these however it likes.
 */
public sealed interface ClientEvent {

    /** Login and the first replay are done; the client is usable. */
    record Ready(String user) implements ClientEvent {
    }

    /**
     * A verified message, new to this device (replayed history already held is not
     * repeated). {@code tag} is the tag given to the command that sent it, when it was sent
     * by this client in this run; null otherwise.
     */
    record MessageReceived(String channel, String from, String text, long seq, Instant timestamp, boolean mine,
                           String tag) implements ClientEvent {
    }

    /**
     * A verified member addition; the creator of a channel appears as added by themselves.
     * {@code tag} as for {@link MessageReceived}.
     */
    record MemberAdded(String channel, String user, String by, long seq, Instant timestamp, String tag)
            implements ClientEvent {
    }

    /**
     * A verified change of membership: {@code user} left ({@code by} = user), was removed by
     * {@code by}, or was made an admin by {@code by}. Your own removal is one of these with
     * {@code user} = you; the channel is then read-only history. {@code tag} as for
     * {@link MessageReceived}.
     */
    record MemberChanged(String channel, String user, String by, HistoryItem.Change change, long seq,
                         Instant timestamp, String tag) implements ClientEvent {
    }

    /**
     * {@code by} rotated the channel's key: entries from {@code seq} on use key epoch
     * {@code epoch}. {@code tag} as for {@link MessageReceived} (an automatic rotation has none).
     */
    record Rotated(String channel, String by, long epoch, long seq, Instant timestamp, String tag)
            implements ClientEvent {
    }

    /**
     * The directory of users moved to {@code version} (verified, signed by the admin):
     * {@code added} can now be invited, {@code revoked} no longer log in and are being
     * removed from every channel.
     */
    /**
     * Entries {@code fromSeq..toSeq} of the channel are messages past the server's retention
     * period, replayed as one placeholder: their content is gone (docs/protocol.md, "Retention").
     */
    record HistoryExpired(String channel, long fromSeq, long toSeq, Instant timestamp) implements ClientEvent {

        /** How many entries expired. */
        public long count() {
            return toSeq - fromSeq + 1;
        }
    }

    record DirectoryChanged(long version, List<String> added, List<String> revoked) implements ClientEvent {
    }

    /** The server lied or a member misbehaved: shown loudly, never silently absorbed. */
    record AlarmRaised(Alarm alarm) implements ClientEvent {
    }

    /**
     * How far the first login has come, so that a slow or silent server is seen as such:
     * {@code CONNECTING} (opening the connection to {@code server}), {@code LOGGING_IN}
     * (connected, waiting for the server to answer the signed hello), {@code CATCHING_UP}
     * (logged in, receiving what arrived meanwhile). Emitted before {@link Ready}.
     */
    record Connecting(String server, Stage stage) implements ClientEvent {
        public enum Stage { CONNECTING, LOGGING_IN, CATCHING_UP }
    }

    /** The connection was lost; the client retries after {@code retryIn}. Messages sent meanwhile are queued. */
    record Disconnected(String reason, Duration retryIn) implements ClientEvent {
    }

    /**
     * A new connection, to {@code server} (HOST:PORT, one of the deployment's addresses), is
     * up again and its replay is done; queued messages are being sent.
     */
    record Reconnected(String server) implements ClientEvent {
    }

    /** The client stopped trying to connect (e.g. the server's key no longer matches); it needs attention. */
    record ConnectionFailed(String reason) implements ClientEvent {
    }

    /**
     * This device's state folder was found damaged at start and repaired: what was lost and
     * what is downloaded again, in a sentence. Emitted before {@link Ready}.
     */
    record StateRepaired(String detail) implements ClientEvent {
    }

    /**
     * {@code user}, who shares a channel with us, now has a connection to the server
     * ({@code online}) or no longer has any. After the connection is back, those online are
     * reported again; while it is down, nobody is known to be online.
     */
    record PresenceChanged(String user, boolean online) implements ClientEvent {
    }

    /** The server reported an error not tied to any command of ours. */
    record ServerNotice(String code, String message) implements ClientEvent {
    }
}
