package chat.server.internal;

import chat.protocol.Comms;
import chat.protocol.Entries;
import chat.protocol.ErrorCode;
import chat.storage.EntryKind;

/**
 * comms: the sender is the authenticated user and a member, the epoch is current and no
 * rotation is pending, userSeq is above the user's last, the view is one the channel had,
 * the signature verifies.
 * Then the entry gets the next channelSeq and the server's time and goes to the journal.
 */
final class CommsHandler {

    void handle(Connection conn, Comms m) throws Rejection {
        String me = conn.user().name();
        Checks.basics(conn, m.userID(), "sender", m.stamp() != null);
        ChannelState ch = Checks.channel(conn.hub(), m.channelID());
        if (!Entries.verify(m, conn.user().signingKey())) {
            throw new Rejection(ErrorCode.BAD_SIGNATURE, "the signature of this comms does not verify with your key");
        }
        UserState user = conn.userState();
        synchronized (user) {
            Checks.userSeq(user, m.userSeq());
            synchronized (ch) {
                Checks.member(ch, me);
                Checks.epoch(ch, m.epoch(), ch.epoch);
                Checks.noRotationPending(ch);
                Checks.view(conn.hub(), ch, m.view());
                conn.hub().accept(ch, user, m.userSeq(), EntryKind.MESSAGE, null, m::withStamp);
            }
        }
    }
}
