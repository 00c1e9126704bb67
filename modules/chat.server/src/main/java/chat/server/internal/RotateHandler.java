package chat.server.internal;

import chat.protocol.ErrorCode;
import chat.protocol.Rotate;
import chat.storage.EntryKind;
import java.util.Set;
import java.util.TreeSet;

/**
 * rotate: the author is the authenticated user and a member (so never a departed one),
 * the epoch is the current one plus 1 (the server accepts one rotate per epoch: a second
 * for the same epoch is wrongEpoch), the keys name exactly the current members, the view
 * is one the channel had. Accepting it starts the new epoch and clears a pending rotation.
 */
final class RotateHandler {

    void handle(Connection conn, Rotate m) throws Rejection {
        Checks.inChannel(conn, m, "rotator", (ch, user) -> {
            Checks.epoch(ch, m.epoch(), ch.epoch + 1);
            Set<String> members = ch.memberSet();
            if (!m.keys().keySet().equals(members)) {
                Set<String> missing = new TreeSet<>(members);
                missing.removeAll(m.keys().keySet());
                Set<String> extra = new TreeSet<>(m.keys().keySet());
                extra.removeAll(members);
                throw new Rejection(ErrorCode.STALE_MEMBERS, "keys must name exactly the members of " + ch.name
                        + "; missing " + missing + ", not members " + extra);
            }
            Checks.view(conn.hub(), ch, m.view());
            ch.epoch = m.epoch();
            ch.rotationPending = false;
            conn.hub().accept(ch, user, m.userSeq(), EntryKind.ROTATE, null, m::withStamp);
        });
    }
}
