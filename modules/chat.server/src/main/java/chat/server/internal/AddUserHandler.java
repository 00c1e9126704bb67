package chat.server.internal;

import chat.protocol.AddUser;
import chat.protocol.ChainHash;
import chat.protocol.ErrorCode;
import chat.storage.EntryKind;
import java.util.Arrays;

/**
 * addUser: creates a channel (inviter == invitee == the logged-in user, name free, first
 * entry) or invites (inviter is the logged-in user and a member, invitee is in the
 * directory and not a member; the epoch is current and no rotation is pending). Signed by
 * the inviter; userSeq above the user's last. Run under the roster's read lock, so an
 * invitation of a user a new directory version adds reaches every member after the version.
 */
final class AddUserHandler {

    void handle(Connection conn, AddUser m) throws Rejection {
        Checks.basics(conn, m.inviter(), "inviter", m.stamp() != null);
        Checks.signature(conn, m);
        if (m.isCreate()) {
            create(conn, m);
        } else {
            invite(conn, m);
        }
    }

    private void create(Connection conn, AddUser m) throws Rejection {
        Hub hub = conn.hub();
        byte[] genesis = ChainHash.genesis(m.channelID());
        if (m.view().seq() != 0 || !Arrays.equals(m.view().head(), genesis)) {
            throw new Rejection(ErrorCode.BAD_VIEW, "a new channel's view must be 0 and its genesis head");
        }
        if (m.epoch() != 0) {
            throw new Rejection(ErrorCode.WRONG_EPOCH, "a new channel starts at key epoch 0, not " + m.epoch());
        }
        UserState user = conn.userState();
        synchronized (user) {
            Checks.userSeq(user, m.userSeq());
            Checks.roomFor(conn, user.name);
            // before the name is taken: the stamp adds at most Connection.STAMP_ROOM bytes
            hub.room.check(user, EntryKind.CREATE, hub.codec.encode(m).length + Connection.STAMP_ROOM);
            ChannelState fresh = new ChannelState(m.channelID(), genesis);
            synchronized (fresh) {
                if (!hub.register(fresh)) {
                    throw new Rejection(ErrorCode.CHANNEL_EXISTS, "channel " + m.channelID() + " exists already");
                }
                hub.addMember(fresh, user.name);
                fresh.addAdmin(user.name); // the creator is the first admin
                hub.accept(fresh, user, m.userSeq(), EntryKind.CREATE, m.invitee(), m::withStamp);
            }
        }
    }

    private void invite(Connection conn, AddUser m) throws Rejection {
        Hub hub = conn.hub();
        chat.protocol.identity.DirectoryLog log = hub.roster.log();
        if (log.current().user(m.invitee()).isEmpty()) {
            throw new Rejection(ErrorCode.UNKNOWN_INVITEE, log.isRevoked(m.invitee())
                    ? m.invitee() + "'s key was revoked by the admin; " + m.invitee() + " cannot be invited"
                    : "there is no user " + m.invitee() + " in the directory");
        }
        ChannelState ch = Checks.channel(hub, m.channelID());
        UserState user = conn.userState();
        synchronized (user) {
            Checks.userSeq(user, m.userSeq());
            synchronized (ch) {
                Checks.member(ch, user.name);
                if (ch.isMember(m.invitee())) {
                    throw new Rejection(ErrorCode.ALREADY_MEMBER, m.invitee() + " is a member of " + ch.name + " already");
                }
                Checks.roomFor(conn, m.invitee());
                Checks.epoch(ch, m.epoch(), ch.epoch);
                Checks.noRotationPending(ch);
                Checks.view(conn.hub(), ch, m.view());
                hub.addMember(ch, m.invitee());
                hub.accept(ch, user, m.userSeq(), EntryKind.INVITE, m.invitee(), m::withStamp);
            }
        }
    }

}
