package chat.server.internal;

import chat.protocol.Comms;
import chat.storage.EntryKind;

/**
 * comms: the sender is the authenticated user and a member, the epoch is current and no
 * rotation is pending, userSeq is above the user's last, the view is one the channel had,
 * the signature verifies.
 * Then the entry gets the next channelSeq and the server's time and goes to the journal.
 */
final class CommsHandler {

    void handle(Connection conn, Comms m) throws Rejection {
        Checks.inChannel(conn, m, "sender", (ch, user) -> {
            Checks.epoch(ch, m.epoch(), ch.epoch);
            Checks.noRotationPending(ch);
            Checks.view(conn.hub(), ch, m.view());
            conn.hub().accept(ch, user, m.userSeq(), EntryKind.MESSAGE, null, m::withStamp);
        });
    }
}
