package chat.server.internal;

import chat.protocol.AddUser;
import chat.protocol.Comms;
import chat.protocol.DirectoryGet;
import chat.protocol.DirectoryUpdate;
import chat.protocol.ErrorCode;
import chat.protocol.ErrorMessage;
import chat.protocol.InitConfirm;
import chat.protocol.InitConn;
import chat.protocol.InitKey;
import chat.protocol.MemberChange;
import chat.protocol.Message;
import chat.protocol.Rotate;
import chat.protocol.Ping;
import chat.protocol.Pong;
import chat.protocol.Expired;
import chat.protocol.Presence;
import chat.protocol.PresenceWatch;
import chat.protocol.ProtocolException;
import chat.protocol.ReplayFinished;
import chat.protocol.Sync;
import java.lang.System.Logger.Level;

/**
 * Routes an authenticated client's request to its handler and turns a refusal into an
 * {@code error} that names the request (channelID, userSeq). A refused request leaves the
 * connection open.
 */
final class Dispatcher {

    private static final System.Logger LOG = System.getLogger("chat.server");

    private final SyncHandler sync = new SyncHandler();
    private final AddUserHandler addUser = new AddUserHandler();
    private final CommsHandler comms = new CommsHandler();
    private final MemberHandler member = new MemberHandler();
    private final RotateHandler rotate = new RotateHandler();

    /**
     * Attempts at a request that keeps losing to other servers' entries for the same channel;
     * after the first few, each waits a random moment first, so that a server streaming into
     * the channel does not win every race against one that must catch up before it tries.
     */
    private static final int ATTEMPTS = 64;
    private static final int ATTEMPTS_WITHOUT_PAUSE = 4;

    void dispatch(Connection conn, Message request) {
        if (request instanceof chat.protocol.ChannelEntry && conn.userState() != null) {
            pace(conn);
        }
        for (int attempt = 1; ; attempt++) {
            try {
                dispatchOnce(conn, request);
                return;
            } catch (Hub.Conflict c) {
                // Another server appended to the channel first; the hub caught up: check again.
                if (attempt == ATTEMPTS || attempt >= ATTEMPTS_WITHOUT_PAUSE && !pause(attempt)) {
                    LOG.log(Level.WARNING, "{0}: {1}: {2} lost to other servers {3} times: {4}", conn.peer(),
                            conn.user().name(), request.type(), attempt, c.getMessage());
                    conn.close(ErrorCode.INTERNAL_ERROR, "the channel is too busy on other servers; nothing was"
                            + " accepted, send it again");
                    return;
                }
            }
        }
    }

    /** Waits up to 1, 2, 4... 32 ms (at random) before attempt {@code attempt + 1}; false if interrupted. */
    private static boolean pause(int attempt) {
        long most = 1L << Math.min(5, attempt - ATTEMPTS_WITHOUT_PAUSE);
        try {
            Thread.sleep(java.time.Duration.ofNanos(
                    java.util.concurrent.ThreadLocalRandom.current().nextLong(most * 1_000_000L) + 1));
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void dispatchOnce(Connection conn, Message request) {
        String channel = null;
        Long userSeq = null;
        try {
            switch (request) {
                case Sync s -> admit(conn, () -> sync.handle(conn, s)); // its replays read the store
                case AddUser a -> {
                    channel = a.channelID();
                    userSeq = a.userSeq();
                    // Under the roster's read lock: an invitation may depend on a directory
                    // version every member must be sent first (Roster).
                    admit(conn, () -> conn.hub().roster.read(() -> {
                        addUser.handle(conn, a);
                        return null;
                    }));
                }
                case Comms c -> {
                    channel = c.channelID();
                    userSeq = c.userSeq();
                    admit(conn, () -> comms.handle(conn, c));
                }
                case MemberChange m -> {
                    channel = m.channelID();
                    userSeq = m.userSeq();
                    admit(conn, () -> conn.hub().roster.read(() -> { // a removal may depend on a revocation
                        member.handle(conn, m);
                        return null;
                    }));
                }
                case Rotate r -> {
                    channel = r.channelID();
                    userSeq = r.userSeq();
                    admit(conn, () -> rotate.handle(conn, r));
                }
                case DirectoryGet d -> conn.hub().roster.read(() -> {
                    conn.askDirectory(d.number());
                    return null;
                });
                case PresenceWatch w -> {
                    if (!conn.synced() || conn.watchesPresence()) {
                        throw new Rejection(ErrorCode.UNEXPECTED_MESSAGE, "presenceWatch is sent once, after sync");
                    }
                    conn.hub().presence.watch(conn);
                }
                case Ping p -> conn.send(new Pong());
                case Pong p -> {
                }
                case ErrorMessage e -> LOG.log(Level.INFO, "{0}: {1} reports {2}: {3}", conn.peer(), conn.user().name(),
                        e.code().wireName(), LogText.clip(e.message()));
                case InitConn m -> unexpected(m);
                case InitKey m -> unexpected(m);
                case InitConfirm m -> unexpected(m);
                case ReplayFinished m -> unexpected(m);
                case DirectoryUpdate m -> unexpected(m);
                case Expired m -> unexpected(m);
                case Presence m -> unexpected(m);
            }
        } catch (ProtocolException e) {
            LOG.log(Level.INFO, "{0}: {1}: {2} rejected ({3}): {4}", conn.peer(), conn.user().name(), request.type(),
                    e.code().wireName(), LogText.clip(e.getMessage()));
            if (e.code() == ErrorCode.REVOKED) {
                conn.close(e.code(), e.getMessage()); // revoked while this request was on its way
                return;
            }
            Long last = e instanceof Rejection r ? r.lastUserSeq : null;
            conn.send(new ErrorMessage(e.code(), e.getMessage(), channel, userSeq, last));
        } catch (Hub.Conflict e) {
            throw e;
        } catch (Hub.StoreDown e) {
            LOG.log(Level.WARNING, "{0}: {1}: {2} not accepted: {3}", conn.peer(), conn.user().name(), request.type(),
                    e.getMessage());
            conn.close(ErrorCode.INTERNAL_ERROR, "the server cannot reach its database; nothing was accepted");
        } catch (RuntimeException e) {
            // A bug, not the client's fault: say so, end this connection, keep the server going.
            LOG.log(Level.ERROR, conn.peer() + ": " + conn.user().name() + ": " + request.type() + " failed", e);
            conn.close(ErrorCode.INTERNAL_ERROR, "the server failed on this request; nothing was accepted");
        }
    }

    /**
     * Keeps one user at the configured entries per second (all their connections together):
     * this connection's thread waits, so the sender's own requests slow down (TCP pushes back
     * on their client) while every other user's connection goes on at full speed. Nothing is
     * refused and no lock is held while waiting.
     */
    private static void pace(Connection conn) {
        long wait = conn.userState().pace(conn.context().config().entriesPerSecondPerUser());
        if (wait > 0) {
            try {
                Thread.sleep(java.time.Duration.ofNanos(wait));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void admit(Connection conn, ServerContext.Work work) throws ProtocolException {
        if (!conn.context().admit(work)) {
            throw new Rejection(ErrorCode.SHUTTING_DOWN, "the server is shutting down; send this again after it restarts");
        }
    }

    private static void unexpected(Message m) throws Rejection {
        throw new Rejection(ErrorCode.UNEXPECTED_MESSAGE, m.type() + " is not expected after login");
    }
}
