package chat.bench;

import chat.protocol.ErrorMessage;
import chat.protocol.InitKey;
import chat.protocol.Message;
import chat.protocol.MessageCodec;
import chat.protocol.ProtocolException;
import chat.protocol.ReplayFinished;
import chat.protocol.Sync;
import chat.protocol.identity.IdentityKeys;
import chat.protocol.identity.Principal;
import chat.protocol.wire.ClientHandshake;
import chat.protocol.wire.FrameOpener;
import chat.protocol.wire.FrameReader;
import chat.protocol.wire.FrameSealer;
import chat.protocol.wire.FrameWriter;
import chat.protocol.wire.SessionKeys;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Map;

/**
 * One logged-in protocol connection, as lean as a client can be: the handshake and the
 * sync, then a virtual thread that reads, decrypts and hands every frame to a
 * {@link Listener} undecoded. Unlike the real client it verifies no entry signature and
 * keeps no hash chain: checking the server is not the load generator's job, loading it is.
 * {@link #send} may be called from any thread.
 */
final class BenchClient implements AutoCloseable {

    /** Receives the decrypted frames, on the connection's reader thread. */
    interface Listener {
        void onFrame(BenchClient client, byte[] json);

        /** The connection ended without {@link #close} being called. */
        void onLost(BenchClient client, Exception cause);
    }

    private static final int HANDSHAKE_TIMEOUT_MS = 60_000;

    final int index;
    final String user;
    private final Socket socket;
    private final FrameReader frames;
    private final FrameWriter writer;
    private final FrameSealer sealer;
    private final FrameOpener opener;
    private final MessageCodec codec;
    private final Object sendLock = new Object();
    private Thread reader;
    private volatile boolean closing;

    private BenchClient(int index, String user, Socket socket, FrameReader frames, FrameWriter writer,
                        SessionKeys keys, MessageCodec codec) {
        this.index = index;
        this.user = user;
        this.socket = socket;
        this.frames = frames;
        this.writer = writer;
        this.sealer = keys.clientSealer();
        this.opener = keys.clientOpener();
        this.codec = codec;
        keys.destroy();
    }

    /** Connects and logs in as {@code keys}; the connection is not synced yet. */
    static BenchClient connect(int index, IdentityKeys keys, Principal server, InetSocketAddress address,
                               int bufferBytes, MessageCodec codec) throws IOException, ProtocolException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(address, HANDSHAKE_TIMEOUT_MS);
            socket.setSoTimeout(HANDSHAKE_TIMEOUT_MS);
            FrameReader frames = new FrameReader(new BufferedInputStream(socket.getInputStream(), bufferBytes), 1 << 20);
            FrameWriter writer = new FrameWriter(new BufferedOutputStream(socket.getOutputStream(), bufferBytes));
            ClientHandshake handshake = new ClientHandshake(keys, server);
            writer.write(codec.encode(handshake.start()));
            writer.flush();
            byte[] reply = frames.read();
            if (reply == null) {
                throw new IOException(keys.name() + ": the server closed the connection during the handshake");
            }
            Message m = codec.decode(reply);
            if (!(m instanceof InitKey initKey)) {
                throw new IOException(keys.name() + ": handshake refused: " + describe(m));
            }
            ClientHandshake.Result result = handshake.finish(initKey);
            BenchClient client = new BenchClient(index, keys.name(), socket, frames, writer, result.keys(), codec);
            client.send(codec.encode(result.confirm()));
            return client;
        } catch (IOException | ProtocolException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** Sends sync with no cursors and reads up to replayFinished; entries replayed before it are skipped. */
    ReplayFinished sync() throws IOException, ProtocolException {
        send(codec.encode(new Sync(Map.of())));
        while (true) {
            byte[] frame = frames.read();
            if (frame == null) {
                throw new IOException(user + ": the server closed the connection during sync");
            }
            Message m = codec.decode(opener.open(frame));
            if (m instanceof ReplayFinished done) {
                return done;
            }
            if (m instanceof ErrorMessage) {
                throw new IOException(user + ": sync refused: " + describe(m));
            }
        }
    }

    /** Starts the reader thread; from now on every frame goes to {@code listener}. */
    void startReading(Listener listener) throws IOException {
        socket.setSoTimeout(0);
        reader = Thread.ofVirtual().name("bench-reader-" + user).start(() -> readLoop(listener));
    }

    private void readLoop(Listener listener) {
        try {
            byte[] frame;
            while ((frame = frames.read()) != null) {
                listener.onFrame(this, opener.open(frame));
            }
            if (!closing) {
                listener.onLost(this, new IOException("the server closed the connection"));
            }
        } catch (IOException | ProtocolException | RuntimeException e) {
            if (!closing) {
                listener.onLost(this, e);
            }
        }
    }

    /** Seals and writes one message; safe from any thread (sealing must follow the write order). */
    void send(byte[] json) throws IOException {
        synchronized (sendLock) {
            writer.write(sealer.seal(json));
            writer.flush();
        }
    }

    boolean isOpen() {
        return !socket.isClosed() && (reader == null || reader.isAlive());
    }

    @Override
    public void close() {
        closing = true;
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    /** Waits for the reader thread to end after {@link #close}; its last writes are then visible. */
    void awaitReader() throws InterruptedException {
        if (reader != null) {
            reader.join();
        }
    }

    static String describe(Message m) {
        return m instanceof ErrorMessage e ? e.code().wireName() + ": " + e.message() : m.type();
    }
}
