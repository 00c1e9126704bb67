package chat.server.internal;

import chat.protocol.ChannelEntry;
import chat.protocol.Entries;
import chat.protocol.ErrorCode;
import chat.protocol.View;
import chat.protocol.identity.DirectoryLog;
import chat.protocol.identity.Principal;

/** The checks the entry handlers share. */
final class Checks {

    private Checks() {
    }

    /**
     * In the order of docs/protocol.md's acceptance table (the first rule broken names the
     * error): sync came first, the client left the server's fields empty, the author is the
     * logged-in user.
     */
    static void basics(Connection conn, String author, String role, boolean stamped) throws Rejection {
        if (!conn.synced()) {
            throw new Rejection(ErrorCode.UNEXPECTED_MESSAGE, "send sync before anything else");
        }
        if (stamped) {
            throw new Rejection(ErrorCode.BAD_MESSAGE, "channelSeq and timestamp are the server's to set; leave them out");
        }
        String me = conn.user().name();
        if (!author.equals(me)) {
            throw new Rejection(ErrorCode.NOT_MEMBER, "the " + role + " is '" + author + "' but you are logged in as '"
                    + me + "'");
        }
    }

    /** The rules of one entry kind, run holding the author's and the channel's monitors. */
    @FunctionalInterface
    interface ChannelRules {
        void check(ChannelState ch, UserState user) throws Rejection;
    }

    /**
     * What every entry of an existing channel goes through, in this order: {@link #basics},
     * the channel exists, the signature, then holding the author's monitor the userSeq, and
     * holding the channel's too the author's membership and {@code rules} (which accept the
     * entry if they pass).
     */
    static void inChannel(Connection conn, ChannelEntry m, String role, ChannelRules rules) throws Rejection {
        basics(conn, m.author(), role, m.stamp() != null);
        ChannelState ch = channel(conn.hub(), m.channelID());
        signature(conn, m);
        UserState user = conn.userState();
        synchronized (user) {
            userSeq(user, m.userSeq());
            synchronized (ch) {
                member(ch, user.name);
                rules.check(ch, user);
            }
        }
    }

    /**
     * The entry is signed with the logged-in user's key, which the directory lists now: a
     * revocation loaded since the login refuses it (and ends the connection).
     */
    static void signature(Connection conn, ChannelEntry m) throws Rejection {
        DirectoryLog log = conn.hub().roster.log();
        Principal me = conn.user();
        String refusal = Roster.refusal(log, me);
        if (refusal != null) {
            throw new Rejection(ErrorCode.REVOKED, refusal);
        }
        if (log.current().user(me.name()).isEmpty()) {
            throw new Rejection(ErrorCode.BAD_SIGNATURE, "the server's directory (version " + log.number()
                    + ") does not list " + me.name() + ", so nothing you sign can be checked; ask the admin");
        }
        if (!Entries.verify(m, me.signingKey())) {
            throw new Rejection(ErrorCode.BAD_SIGNATURE, "the signature of this " + m.type()
                    + " does not verify with your key");
        }
    }

    static ChannelState channel(Hub hub, String name) throws Rejection {
        ChannelState ch = hub.channel(name);
        if (ch == null) {
            throw new Rejection(ErrorCode.NO_SUCH_CHANNEL, "there is no channel " + name);
        }
        return ch;
    }

    /**
     * {@code user} may join one more channel. Counted over accepted joins, durable or not;
     * invitations to different channels at the same instant may pass it by a few, which
     * the hard maximum (ServerConfig.MAX_CHANNELS_PER_USER) leaves room for.
     */
    static void roomFor(Connection conn, String user) throws Rejection {
        int limit = conn.context().config().maxChannelsPerUser();
        if (conn.hub().membershipCount(user) >= limit) {
            throw new Rejection(ErrorCode.LIMIT_EXCEEDED, user + " is a member of " + limit
                    + " channels already, the server's limit");
        }
    }

    /** Caller holds the user's monitor. */
    static void userSeq(UserState user, long userSeq) throws Rejection {
        if (userSeq <= user.lastUserSeq) {
            throw Rejection.staleUserSeq(userSeq, user.lastUserSeq);
        }
    }

    /** Caller holds the channel's monitor. */
    static void member(ChannelState ch, String user) throws Rejection {
        if (!ch.isMember(user)) {
            throw new Rejection(ErrorCode.NOT_MEMBER, "you are not a member of channel " + ch.name);
        }
    }

    /** The entry names the epoch it must; caller holds the channel's monitor. */
    static void epoch(ChannelState ch, long epoch, long expected) throws Rejection {
        if (epoch != expected) {
            throw new Rejection(ErrorCode.WRONG_EPOCH, "channel " + ch.name + " is at key epoch " + ch.epoch
                    + ", so this entry must name epoch " + expected + ", not " + epoch);
        }
    }

    /**
     * No departure awaits its rotation, so nothing is written or handed out under a key a
     * departed member holds. Caller holds the channel's monitor.
     */
    static void noRotationPending(ChannelState ch) throws Rejection {
        if (ch.rotationPending) {
            throw new Rejection(ErrorCode.ROTATION_PENDING, "channel " + ch.name
                    + " awaits a rotate after a departure; send this again under the next epoch");
        }
    }

    /** Caller holds the channel's monitor. */
    static void view(Hub hub, ChannelState ch, View view) throws Rejection {
        if (view.seq() > ch.assignedSeq) {
            throw new Rejection(ErrorCode.BAD_VIEW, "viewSeq " + view.seq() + " is ahead of channel " + ch.name
                    + ", which is at " + ch.assignedSeq);
        }
        // A view naming a head this channel never had would make every other member's
        // client raise a fork alarm and stop the channel: one member could stop it for all.
        byte[] head = hub.headAt(ch, view.seq());
        if (head == null && view.seq() <= ch.durable.seq()) {
            // A durable entry the store cannot read back (damage): unchecked, a wrong head would
            // pass and make every other member's client alarm. Refused instead.
            throw new Rejection(ErrorCode.BAD_VIEW, "the head of channel " + ch.name + " at #" + view.seq()
                    + " cannot be read back to check your view; sign again over the newest entry");
        }
        if (head != null && !java.util.Arrays.equals(head, view.head())) {
            throw new Rejection(ErrorCode.BAD_VIEW, "viewHead does not match channel " + ch.name + " at #" + view.seq());
        }
    }
}
