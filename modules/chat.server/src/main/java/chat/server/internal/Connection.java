package chat.server.internal;

import chat.protocol.ErrorCode;
import chat.protocol.ErrorMessage;
import chat.protocol.Message;
import chat.protocol.MessageCodec;
import chat.protocol.ProtocolException;
import chat.protocol.identity.DirectoryLog;
import chat.protocol.identity.Principal;
import chat.protocol.wire.FrameOpener;
import chat.protocol.wire.FrameReader;
import chat.storage.StoredEntry;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One client connection, run on its own virtual thread: the handshake, then a loop that
 * reads, decrypts, decodes and dispatches requests. Everything sent after the handshake
 * goes through a bounded queue to the connection's {@link ConnectionWriter}; a client
 * that lets the queue fill up is disconnected and slows no one else.
 */
public final class Connection implements Runnable {

    private static final System.Logger LOG = System.getLogger("chat.server");
    /** Control items (replays, close) may exceed the queue length by this much, so they are never refused. */
    private static final int CONTROL_SLACK = 5000;
    /**
     * Room for what the server adds to an entry ({@code "channelSeq":N,"timestamp":T}, at
     * most 50 bytes with the commas): an entry request of more than the frame limit minus
     * this is refused (docs/protocol.md, "Framing").
     */
    static final int STAMP_ROOM = 64;
    /**
     * Bytes queued for one connection before it counts as too slow. Counting frames alone
     * would let a client that stops reading pile up thousands of 1 MiB frames.
     */
    static final long MAX_QUEUED_BYTES = 16L << 20;
    /** Longest error message text sent or logged; errors may quote what the client sent. */
    static final int MAX_ERROR_CHARS = 300;

    private final Socket socket;
    /** The peer's IP address: unfinished handshakes are limited per address. */
    final java.net.InetAddress address;
    private final ServerContext context;
    private final LinkedBlockingQueue<Outgoing> queue;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CountDownLatch done = new CountDownLatch(1);
    private final String peer;
    private Principal user;
    private UserState userState;
    private volatile Thread writer;
    private final java.util.concurrent.atomic.AtomicLong queuedBytes = new java.util.concurrent.atomic.AtomicLong();
    private boolean synced;
    /** Set once logged in with a key the directory listed then; what a new directory log is checked against. */
    private volatile Principal loggedIn;
    /** The client asked for the directory: new logs are pushed to it. */
    private volatile boolean wantsDirectory;
    /** The client asked for presence (presenceWatch): it is told who of its partners comes and goes. */
    private volatile boolean watchesPresence;

    public Connection(Socket socket, ServerContext context) {
        this.socket = socket;
        this.context = context;
        this.queue = new LinkedBlockingQueue<>(context.config().outboundQueue() + CONTROL_SLACK);
        this.peer = socket.getRemoteSocketAddress().toString();
        this.address = socket.getInetAddress();
    }

    @Override
    public void run() {
        boolean counted = false;
        // Not try-with-resources: that would close the socket before the catch clauses below
        // could queue their error for the writer. finish() closes it once the writer is done.
        try {
            socket.setTcpNoDelay(true);
            // A small buffer: a frame's header and payload in one read call instead of three
            // (docs/performance.md); 2 KiB each, 20 MB for 10,000 connections.
            InputStream in = new BufferedInputStream(socket.getInputStream(), 2048);
            Handshake.Outcome login = new Handshake(context, socket, in, peer).run();
            if (login == null) {
                return;
            }
            context.authenticated(this);
            FrameReader frames = new FrameReader(in, context.config().limits().maxFrameBytes());
            user = login.user();
            // The handshake checked the user against the log of its start; a log loaded since
            // may have revoked them. Checked under the read lock, so a log loaded later sees
            // this connection as logged in and ends it itself.
            Roster roster = context.hub().roster;
            String refusal = roster.read(() -> {
                String why = Roster.refusal(roster.log(), user);
                if (why == null) {
                    loggedIn = user;
                }
                return why;
            });
            if (refusal != null) {
                startWriter(login);
                LOG.log(Level.INFO, "{0}: refused {1}: {2}", peer, user.name(), refusal);
                close(ErrorCode.REVOKED, refusal);
                return;
            }
            userState = context.hub().user(user.name());
            counted = true;
            if (userState.connections.incrementAndGet() > context.config().maxConnectionsPerUser()) {
                startWriter(login);
                LOG.log(Level.INFO, "{0}: refused {1}: more than {2} connections for this user",
                        peer, user.name(), context.config().maxConnectionsPerUser());
                close(ErrorCode.TOO_MANY_CONNECTIONS, "user " + user.name() + " already has "
                        + context.config().maxConnectionsPerUser() + " connections");
                return;
            }
            LOG.log(Level.INFO, "{0}: {1} logged in", peer, user.name());
            startWriter(login);
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, context.config().idleTimeout().toMillis()));
            readLoop(frames, login.opener());
        } catch (SocketTimeoutException e) {
            LOG.log(Level.INFO, "{0}: {1} idle for {2} s, disconnecting", peer, who(),
                    context.config().idleTimeout().toSeconds());
            close(ErrorCode.IDLE_TIMEOUT, "no frame for " + context.config().idleTimeout().toSeconds() + " s");
        } catch (ProtocolException e) {
            LOG.log(Level.INFO, "{0}: {1}: connection ended: {2}", peer, who(), LogText.clip(e.getMessage()));
            close(e.code(), e.getMessage());
        } catch (IOException e) {
            if (!closed.get()) {
                LOG.log(Level.DEBUG, "{0}: {1}: connection lost: {2}", peer, who(), e.toString());
            }
        } finally {
            finish(counted);
        }
    }

    private void readLoop(FrameReader frames, FrameOpener opener) throws IOException, ProtocolException {
        MessageCodec codec = context.hub().codec;
        Dispatcher dispatcher = context.dispatcher();
        // During shutdown this loop goes on: the closed gate refuses requests (shuttingDown),
        // and the connection ends when the server's shutdown has sent it everything accepted.
        while (true) {
            byte[] frame = frames.read();
            if (frame == null) {
                LOG.log(Level.INFO, "{0}: {1} disconnected", peer, who());
                return;
            }
            byte[] json = opener.open(frame);
            Message request;
            try {
                request = codec.decode(json);
            } catch (ProtocolException e) {
                LOG.log(Level.INFO, "{0}: {1}: rejected: {2}", peer, who(), LogText.clip(e.getMessage()));
                send(ErrorMessage.of(e.code(), e.getMessage()));
                continue;
            }
            int limit = context.config().limits().maxFrameBytes();
            if (request instanceof chat.protocol.ChannelEntry entry && frame.length + STAMP_ROOM > limit) {
                // Its stamped copy (the echo, every replay) would exceed the frame limit that
                // members apply to what they receive: refused, so no member can make a frame
                // no client is obliged to read.
                LOG.log(Level.INFO, "{0}: {1}: {2} of {3} bytes rejected: no room for the stamp", peer, who(),
                        request.type(), frame.length);
                send(new ErrorMessage(chat.protocol.ErrorCode.LIMIT_EXCEEDED, "the " + request.type() + " frame is "
                        + frame.length + " bytes; entries may be at most " + (limit - STAMP_ROOM)
                        + " bytes, so that their stamped copy fits the frame limit of " + limit,
                        entry.channelID(), entry.userSeq(), null));
                continue;
            }
            if (closed.get()) {
                // Ended by an error that ends the connection (or by shutdown): a request the
                // client pipelined behind the failed one is not accepted either, or its entry
                // would overtake the failed one, which the client sends again after reconnecting.
                continue;
            }
            dispatcher.dispatch(this, request);
        }
    }

    private void startWriter(Handshake.Outcome login) throws IOException {
        writer = Thread.ofVirtual().name("chat-writer-" + user.name()).start(
                new ConnectionWriter(this, queue, login.sealer(), socket.getOutputStream()));
    }

    // ------------------------------------------------------------ used by handlers and the hub

    Principal user() {
        return user;
    }

    UserState userState() {
        return userState;
    }

    Hub hub() {
        return context.hub();
    }

    ServerContext context() {
        return context;
    }

    MessageCodec codec() {
        return context.hub().codec;
    }

    String peer() {
        return peer;
    }

    boolean synced() {
        return synced;
    }

    void markSynced() {
        synced = true;
    }

    void watchPresence() {
        watchesPresence = true;
    }

    boolean watchesPresence() {
        return watchesPresence;
    }

    /** Answers directoryGet; the caller holds the roster's read lock. */
    void askDirectory(long number) {
        wantsDirectory = true;
        offerData(new Outgoing.DirectoryFrom(number));
    }

    /**
     * A new directory log was loaded (the caller holds the roster's write lock): a user it
     * revokes is told so and disconnected; a connection that asked for the directory is
     * sent the new versions.
     */
    void directoryChanged(DirectoryLog log) {
        Principal me = loggedIn;
        if (me == null) {
            return; // still in the handshake, or refused: checked when it logs in
        }
        String refusal = Roster.refusal(log, me);
        if (refusal != null) {
            LOG.log(Level.INFO, "{0}: disconnecting {1}: {2}", peer, me.name(), refusal);
            close(ErrorCode.REVOKED, refusal);
        } else if (wantsDirectory) {
            offerControl(new Outgoing.DirectoryPush());
        }
    }

    void send(Message message) {
        if (message instanceof ErrorMessage e && e.message().length() > MAX_ERROR_CHARS) {
            message = new ErrorMessage(e.code(), LogText.clip(e.message(), MAX_ERROR_CHARS), e.channelID(), e.userSeq(),
                    e.lastUserSeq());
        }
        offerData(new Outgoing.Frame(codec().encode(message)));
    }

    void deliver(StoredEntry entry) {
        offerData(new Outgoing.Entry(entry));
    }

    void replay(String channel, long afterSeq) {
        offerControl(new Outgoing.ReplayChannel(channel, afterSeq));
    }

    void replayDone(long userSeq) {
        offerControl(new Outgoing.ReplayDone(userSeq));
    }

    private void offerData(Outgoing item) {
        if (closed.get()) {
            return;
        }
        long bytes = item.bytes();
        if (queue.size() >= context.config().outboundQueue() || queuedBytes.get() + bytes > MAX_QUEUED_BYTES) {
            tooSlow();
            return;
        }
        queuedBytes.addAndGet(bytes);
        if (!queue.offer(item)) {
            tooSlow();
        }
    }

    private void offerControl(Outgoing item) {
        if (closed.get()) {
            return;
        }
        queuedBytes.addAndGet(item.bytes());
        if (!queue.offer(item)) {
            tooSlow();
        }
    }

    /** The writer took {@code item} off the queue. */
    void dequeued(Outgoing item) {
        queuedBytes.addAndGet(-item.bytes());
    }

    /**
     * A client that lets its queue fill is cut off without a final error: it is not reading,
     * so it would never see one, and waiting for it would hold the memory.
     */
    private void tooSlow() {
        LOG.log(Level.WARNING, "{0}: {1} reads too slowly ({2} frames, {3} bytes queued), disconnecting",
                peer, who(), queue.size(), queuedBytes.get());
        abort();
    }

    /** Ends the connection after sending {@code code}: used for errors that end it, and for shutdown. */
    void close(ErrorCode code, String message) {
        if (writer == null) {
            // Still in the handshake, whose thread may be writing: never write from here.
            abort();
            return;
        }
        if (closed.compareAndSet(false, true)) {
            queue.offer(new Outgoing.Close(codec().encode(ErrorMessage.of(code, message))));
        }
    }

    public void shutdown() {
        close(ErrorCode.SHUTTING_DOWN, "the server is shutting down");
    }

    /** Closes the socket at once, which also wakes a writer blocked on it. */
    void abort() {
        closed.set(true);
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
        if (writer != null) {
            writer.interrupt();
        }
    }

    void writeFailed(IOException e) {
        if (!closed.get()) {
            LOG.log(Level.DEBUG, "{0}: {1}: write failed: {2}", peer, who(), e.toString());
        }
        abort();
    }

    private void finish(boolean counted) {
        if (userState != null) {
            userState.live.remove(this);
            if (synced) {
                context.hub().presence.disconnected(userState.name);
            }
            if (counted) {
                userState.connections.decrementAndGet();
            }
        }
        if (writer != null) {
            if (closed.compareAndSet(false, true)) {
                queue.offer(new Outgoing.Close(null));
            }
            try {
                if (!writer.join(java.time.Duration.ofSeconds(5))) {
                    abort();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Lingering.close(socket);
        abort();
        context.closed(this);
        done.countDown();
    }

    /** The writer has sent its last frame: the peer reads it all, then the end of the stream. */
    void outputDone() {
        Lingering.endOutput(socket);
    }

    /**
     * Waits until the connection has ended: the writer has flushed what it was given, the
     * client has read it and closed. For shutdown; aborts if it takes longer.
     */
    public void awaitClosed(long timeout, TimeUnit unit) throws InterruptedException {
        if (!done.await(timeout, unit)) {
            abort();
        }
    }

    private String who() {
        return user == null ? "(not logged in)" : user.name();
    }
}
