package chat.client.internal;

import chat.client.LoginException;
import chat.protocol.ErrorMessage;
import chat.protocol.InitKey;
import chat.protocol.Message;
import chat.protocol.MessageCodec;
import chat.protocol.ProtocolException;
import chat.protocol.identity.IdentityKeys;
import chat.protocol.identity.Principal;
import chat.protocol.wire.ClientHandshake;
import chat.protocol.wire.FrameOpener;
import chat.protocol.wire.FrameReader;
import chat.protocol.wire.FrameSealer;
import chat.protocol.wire.FrameWriter;
import chat.client.ClientOptions;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One authenticated connection to the server: the handshake, then a reader thread that
 * hands every decoded message to the {@link Listener}, and a writer thread that seals and
 * sends what {@link #send} queued, so a slow server never blocks the caller.
 */
final class Session {

    interface Listener {
        /**
         * {@code message}, decoded from {@code json}; for a channel entry {@code canonical} is
         * its RFC 8785 form and {@code verified} how its signature was checked off the
         * listener's thread (null: not checked, the listener checks it).
         */
        void received(Session session, Message message, byte[] json, byte[] canonical, ChannelLedger.Verified verified);

        /** The key among {@code entry}'s author's keys that verifies its signature, or null: called on the pool. */
        ChannelLedger.Verified preverify(chat.protocol.ChannelEntry entry);

        void closed(Session session, String reason);
    }

    /** A message as the pool decoded and checked it, in the order it arrived; {@code end} closes the stream. */
    private record Decoded(Message message, byte[] json, byte[] canonical, ChannelLedger.Verified verified,
                           String invalid, String end) {
    }

    /**
     * Frames that arrived together go to the pool as one task of at most this many: one
     * hand-over (and one wake-up of the apply thread) per batch, not per message. A frame
     * with nothing behind it in the socket goes at once, alone if need be.
     */
    private static final int BATCH = 64;

    /** Batches decoded and verified ahead of the one being applied, at most: bounds the memory a catch-up takes. */
    private static final int AHEAD = 32;

    private final Socket socket;
    private final java.io.InputStream in;
    private final FrameReader reader;
    private final FrameWriter writer;
    private final FrameOpener opener;
    private final FrameSealer sealer;
    private final MessageCodec codec;
    private final Listener listener;
    private final LinkedBlockingQueue<byte[]> outgoing = new LinkedBlockingQueue<>();
    private final java.util.concurrent.ArrayBlockingQueue<java.util.concurrent.Future<List<Decoded>>> inOrder =
            new java.util.concurrent.ArrayBlockingQueue<>(AHEAD);
    private java.util.concurrent.ExecutorService pool;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile long lastReceived = System.nanoTime();
    private volatile boolean synced;
    private final String address;
    private final InetSocketAddress server;

    private Session(InetSocketAddress server, Socket socket, java.io.InputStream in, FrameReader reader, FrameWriter writer,
                    FrameOpener opener, FrameSealer sealer, MessageCodec codec, Listener listener) {
        this.server = server;
        this.in = in;
        this.address = ClientOptions.text(server);
        this.socket = socket;
        this.reader = reader;
        this.writer = writer;
        this.opener = opener;
        this.sealer = sealer;
        this.codec = codec;
        this.listener = listener;
    }

    /**
     * Connects to {@code address} (one of {@code options.servers()}) and runs the handshake,
     * calling {@code connected} once the connection is up, before the handshake; the session
     * then reads until it is closed.
     */
    static Session open(ClientOptions options, InetSocketAddress address, IdentityKeys me, Principal server,
                        MessageCodec codec, Listener listener, Runnable connected) throws LoginException {
        String where = ClientOptions.text(address);
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(address, (int) options.connectTimeout().toMillis());
        } catch (ConnectException | SocketTimeoutException | UnknownHostException e) {
            closeQuietly(socket);
            throw new LoginException(LoginException.Reason.UNREACHABLE, "cannot reach the server at " + where + ": "
                    + (e.getMessage() == null ? e.toString() : e.getMessage()), e);
        } catch (IOException e) {
            closeQuietly(socket);
            throw new LoginException(LoginException.Reason.UNREACHABLE, "cannot reach the server at " + where + ": " + e, e);
        }
        connected.run();
        try {
            socket.setSoTimeout((int) options.loginTimeout().toMillis());
            // Buffered: a catch-up reads thousands of frames a second, two reads each unbuffered.
            java.io.BufferedInputStream in = new java.io.BufferedInputStream(socket.getInputStream(), 64 * 1024);
            FrameReader reader = new FrameReader(in, options.maxFrameBytes());
            FrameWriter writer = new FrameWriter(new BufferedOutputStream(socket.getOutputStream(), 4096));
            ClientHandshake handshake = new ClientHandshake(me, server);
            writer.write(codec.encode(handshake.start()));
            writer.flush();
            Message reply;
            try {
                byte[] replyBytes = reader.read();
                if (replyBytes == null) {
                    throw new LoginException(LoginException.Reason.REFUSED, "the server at " + where
                            + " closed the connection during login");
                }
                reply = codec.decode(replyBytes);
            } catch (ProtocolException e) {
                throw new LoginException(LoginException.Reason.REFUSED, where + " does not speak the chat protocol"
                        + (ServerText.clean(e.getMessage()).contains("1213486160") ? " (it answers like a web server)" : "")
                        + ": check the address and port of your chat server", e);
            }
            if (reply instanceof ErrorMessage error && error.code() == chat.protocol.ErrorCode.HANDSHAKE_FAILED) {
                // The server refused our signed hello: it holds another key for us, which is what
                // a server of another deployment (a bundle from another generate) does.
                throw new LoginException(LoginException.Reason.SERVER_KEY_MISMATCH, "the server at " + where
                        + " did not accept your signed hello (" + ServerText.clean(error.message()) + "): it did not"
                        + " prove the server key listed in directory.json, so it is not the server of your bundle"
                        + " (a bundle from another chat generate?), or its directory lists another key for you");
            }
            if (reply instanceof ErrorMessage error && error.code() == chat.protocol.ErrorCode.REVOKED) {
                throw new LoginException(LoginException.Reason.REVOKED, ServerText.clean(error.message())
                        + " (" + error.code().wireName() + ")");
            }
            if (reply instanceof ErrorMessage error) {
                throw new LoginException(LoginException.Reason.REFUSED, "the server refused the login: "
                        + ServerText.clean(error.message()) + " (" + error.code().wireName() + ")");
            }
            if (!(reply instanceof InitKey initKey)) {
                throw new LoginException(LoginException.Reason.REFUSED, "the server answered " + reply.type()
                        + " instead of initKey");
            }
            ClientHandshake.Result result = handshake.finish(initKey);
            FrameSealer sealer = result.keys().clientSealer();
            FrameOpener opener = result.keys().clientOpener();
            result.keys().destroy();
            writer.write(sealer.seal(codec.encode(result.confirm())));
            writer.flush();
            socket.setSoTimeout(0);
            return new Session(address, socket, in, reader, writer, opener, sealer, codec, listener);
        } catch (ClientHandshake.ServerKeyMismatchException e) {
            closeQuietly(socket);
            throw new LoginException(LoginException.Reason.SERVER_KEY_MISMATCH, "the server at " + where
                    + " did not prove the server key listed in directory.json: it is not your server,"
                    + " or someone is in between", e);
        } catch (ProtocolException e) {
            closeQuietly(socket);
            throw new LoginException(LoginException.Reason.REFUSED, "login failed: " + ServerText.clean(e.getMessage()), e);
        } catch (IOException e) {
            closeQuietly(socket);
            throw new LoginException(LoginException.Reason.UNREACHABLE, "lost the connection to " + where
                    + " during login: " + e, e);
        }
    }

    /** The server's address as configured (one of {@code ClientOptions.servers()}). */
    InetSocketAddress server() {
        return server;
    }

    /** The server's address, HOST:PORT. */
    String address() {
        return address;
    }

    /**
     * Starts reading and writing. Separate from {@link #open} so the caller can install the
     * session first: a message or a close read at once must not find another session current.
     */
    void start() {
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
        pool = java.util.concurrent.Executors.newFixedThreadPool(threads, Thread.ofPlatform().daemon()
                .name("chat-client-verify-", 0).factory());
        Thread.ofVirtual().name("chat-client-apply").start(this::applyLoop);
        Thread.ofVirtual().name("chat-client-reader").start(this::readLoop);
        Thread.ofVirtual().name("chat-client-writer").start(() -> writeLoop(writer));
    }

    /**
     * Reads and opens frames (the transport's nonces are sequential, so this stays on one
     * thread) and hands each to the pool, which decodes it and checks an entry's signature;
     * the futures queue up in arrival order, at most {@value #AHEAD} ahead of the apply
     * thread, which takes them one by one. Verification thus runs on every core while the
     * chain and the ledger rules are applied strictly in order (docs/architecture.md).
     */
    private void readLoop() {
        String reason = "the server closed the connection";
        boolean anyEncrypted = false;
        List<byte[]> batch = new java.util.ArrayList<>(BATCH);
        try {
            while (!closed.get()) {
                byte[] frame = reader.read();
                if (frame == null) {
                    break;
                }
                byte[] json;
                try {
                    json = opener.open(frame);
                } catch (ProtocolException e) {
                    if (!anyEncrypted && codec.decode(frame) instanceof ErrorMessage error) {
                        reason = "the server refused the login: " + ServerText.clean(error.message());
                        break;
                    }
                    throw e;
                }
                anyEncrypted = true;
                lastReceived = System.nanoTime();
                batch.add(json);
                if (batch.size() >= BATCH || in.available() == 0) {
                    batch = handOver(batch);
                }
            }
        } catch (ProtocolException e) {
            reason = "broken connection: " + ServerText.clean(e.getMessage());
        } catch (IOException e) {
            reason = closed.get() ? "closed" : "connection lost: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            reason = "closed";
        } catch (RuntimeException e) {
            reason = "client failure: " + e;
        }
        String end = reason;
        try {
            if (!batch.isEmpty()) {
                handOver(batch); // what was read before the end is applied, as it arrived
            }
            inOrder.put(java.util.concurrent.CompletableFuture.completedFuture(
                    List.of(new Decoded(null, null, null, null, null, end))));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Queues {@code batch} for the pool, in arrival order; returns a fresh list for the next. */
    private List<byte[]> handOver(List<byte[]> batch) throws InterruptedException {
        inOrder.put(pool.submit(() -> {
            List<Decoded> decoded = new java.util.ArrayList<>(batch.size());
            for (byte[] json : batch) {
                decoded.add(decode(json));
            }
            return decoded;
        }));
        return new java.util.ArrayList<>(BATCH);
    }

    /** On the pool: the message, and for a stamped entry its canonical form and whose key verifies it. */
    private Decoded decode(byte[] json) {
        Message message;
        try {
            message = codec.decode(json);
        } catch (ProtocolException e) {
            return new Decoded(null, json, null, null, ServerText.clean(e.getMessage()), null);
        }
        if (message instanceof chat.protocol.ChannelEntry entry && entry.stamp() != null) {
            return new Decoded(message, json, codec.encode(entry), listener.preverify(entry), null, null);
        }
        return new Decoded(message, json, null, null, null, null);
    }

    /** Hands the decoded messages to the listener in arrival order, then reports the end once. */
    private void applyLoop() {
        String reason = null;
        try {
            stream:
            while (true) {
                for (Decoded d : inOrder.take().get()) {
                    if (d.end() != null) {
                        if (reason == null) {
                            reason = d.end();
                        }
                        break stream;
                    }
                    if (reason != null) {
                        continue; // after the end of the session: read, not applied
                    }
                    if (d.invalid() != null) {
                        reason = "the server sent an invalid message: " + d.invalid();
                        close();
                        continue;
                    }
                    listener.received(this, d.message(), d.json(), d.canonical(), d.verified());
                    if (d.message() instanceof ErrorMessage error && error.code().endsConnection()) {
                        reason = ServerText.clean(error.message()) + " (" + error.code().wireName() + ")";
                        close();
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            reason = reason == null ? "closed" : reason;
        } catch (java.util.concurrent.ExecutionException | RuntimeException e) {
            reason = reason == null ? "client failure: " + e : reason;
        }
        pool.shutdownNow();
        close();
        inOrder.clear(); // a reader waiting for room goes on, finds the socket closed and ends
        listener.closed(this, reason);
    }

    private void writeLoop(FrameWriter writer) {
        try {
            while (!closed.get()) {
                byte[] json = outgoing.take();
                if (json.length == 0) {
                    break;
                }
                writer.write(sealer.seal(json));
                byte[] next;
                while ((next = outgoing.poll()) != null && next.length > 0) {
                    writer.write(sealer.seal(next));
                }
                writer.flush();
                if (next != null) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            close();
        }
    }

    void send(Message message) {
        if (!closed.get()) {
            outgoing.add(codec.encode(message));
        }
    }

    void sendEncoded(byte[] json) {
        if (!closed.get()) {
            outgoing.add(json);
        }
    }

    boolean synced() {
        return synced;
    }

    void markSynced() {
        synced = true;
    }

    long nanosSinceLastFrame() {
        return System.nanoTime() - lastReceived;
    }

    void close() {
        if (closed.compareAndSet(false, true)) {
            outgoing.add(new byte[0]);
            closeQuietly(socket);
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
