package chat.server.internal;

import chat.protocol.ErrorCode;
import chat.protocol.MemberChange;
import chat.storage.EntryKind;

/**
 * member: a leave (any member, of themself), a removal (an admin removes another member,
 * or any member removes one whose key the directory revokes now) or a promotion (an admin makes a member who is not one an admin). The author is the
 * authenticated user and a member, the epoch is current (a member entry is accepted while
 * a rotation is pending), the view is one the channel had. A departure ends the subject's
 * membership at once and leaves a rotation pending. Run under the roster's read lock, so a
 * removal that depends on a revocation reaches every member after the revocation.
 */
final class MemberHandler {

    void handle(Connection conn, MemberChange m) throws Rejection {
        String me = conn.user().name();
        Checks.inChannel(conn, m, "author", (ch, user) -> {
            Checks.epoch(ch, m.epoch(), ch.epoch);
            EntryKind kind = switch (m.change()) {
                case LEAVE -> EntryKind.LEAVE;
                case REMOVE -> {
                    // Any member may remove one whose key the admin revoked: every member's
                    // client does so when it learns of the revocation; the first one wins.
                    if (!conn.hub().roster.log().isRevoked(m.subject())) {
                        admin(ch, me, "remove");
                    }
                    if (!ch.isMember(m.subject())) {
                        throw new Rejection(ErrorCode.BAD_SUBJECT, m.subject() + " is not a member of " + ch.name);
                    }
                    yield EntryKind.REMOVE;
                }
                case ADMIN -> {
                    admin(ch, me, "make admins");
                    if (!ch.isMember(m.subject()) || ch.isAdmin(m.subject())) {
                        throw new Rejection(ErrorCode.BAD_SUBJECT, m.subject() + " is not a member of " + ch.name
                                + " who is not an admin");
                    }
                    yield EntryKind.ADMIN;
                }
            };
            Checks.view(conn.hub(), ch, m.view());
            if (kind.isDeparture()) {
                conn.hub().depart(ch, m.subject());
            } else {
                ch.addAdmin(m.subject());
            }
            conn.hub().accept(ch, user, m.userSeq(), kind, m.subject(), m::withStamp);
        });
    }

    private static void admin(ChannelState ch, String me, String action) throws Rejection {
        if (!ch.isAdmin(me)) {
            throw new Rejection(ErrorCode.NOT_ADMIN, "only an admin of " + ch.name + " may " + action);
        }
    }
}
