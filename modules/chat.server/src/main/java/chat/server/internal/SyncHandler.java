package chat.server.internal;

import chat.protocol.ErrorCode;
import chat.protocol.Sync;

/**
 * sync: the connection joins its user's live set (from now on broadcasts reach it), then
 * asks its writer to replay each of the user's channels (and those they departed, up to
 * the departure) after the client's cursor, then
 * to send replayFinished. Joining first and replaying second is what makes the writer's
 * ordering invariant hold: nothing durable can fall between the two.
 */
final class SyncHandler {

    void handle(Connection conn, Sync sync) throws Rejection {
        if (conn.synced()) {
            throw new Rejection(ErrorCode.UNEXPECTED_MESSAGE, "sync was already sent on this connection");
        }
        UserState user = conn.userState();
        conn.hub().catchUpForSync(user); // several servers: what the others accepted, before the replay
        user.live.add(conn);
        conn.markSynced();
        for (String channel : conn.hub().replayedFor(user.name)) {
            conn.replay(channel, sync.cursors().getOrDefault(channel, 0L));
        }
        long last;
        synchronized (user) {
            last = user.lastUserSeq;
        }
        conn.replayDone(last);
        conn.hub().presence.connected(user.name);
    }
}
