package chat.e2e;

import chat.crypto.AgreementKeyPair;
import chat.crypto.CryptoRandom;
import chat.protocol.DirectoryGet;
import chat.protocol.DirectoryUpdate;
import chat.protocol.InitConfirm;
import chat.protocol.InitConn;
import chat.protocol.InitKey;
import chat.protocol.Message;
import chat.protocol.MessageCodec;
import chat.protocol.Ping;
import chat.protocol.Pong;
import chat.protocol.ProtocolException;
import chat.protocol.SignedForms;
import chat.protocol.Sync;
import chat.protocol.identity.Directory;
import chat.protocol.identity.DirectoryVersion;
import chat.protocol.identity.IdentityKeys;
import chat.protocol.identity.Principal;
import chat.protocol.wire.ClientHandshake;
import chat.protocol.wire.FrameOpener;
import chat.protocol.wire.FrameReader;
import chat.protocol.wire.FrameSealer;
import chat.protocol.wire.FrameWriter;
import chat.protocol.wire.ServerHandshake;
import chat.protocol.wire.Transcript;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A malicious server written with the protocol classes: it holds the real server's keys
 * (read from the server bundle), so clients log in to it as to their own server, and then
 * it serves whatever the test scripts, one script per accepted connection. An "impostor"
 * step answers the handshake with another key instead, as a man in the middle without the
 * server's key would have to.
 */
final class MitmServer implements AutoCloseable {

    /** What the server does with one logged-in connection. */
    @FunctionalInterface
    interface Script {
        void run(Conn conn) throws Exception;
    }

    /** One accepted connection: an impostor answers the handshake with {@code impostorKeys}. */
    record Step(IdentityKeys impostorKeys, Script script) {
        static Step honest(Script script) {
            return new Step(null, script);
        }

        static Step impostor(IdentityKeys wrongKeys) {
            return new Step(wrongKeys, null);
        }
    }

    static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final IdentityKeys serverKeys;
    private final Directory directory;
    private final List<Step> steps;
    private final ServerSocket listener;
    private final Thread acceptor;
    private final List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
    private final List<Thread> handlers = Collections.synchronizedList(new ArrayList<>());
    private final java.util.concurrent.atomic.AtomicInteger framesToImpostor = new java.util.concurrent.atomic.AtomicInteger();
    private final MessageCodec codec = new MessageCodec();
    /**
     * The directory log served to each user at login (answering its directoryGet from the
     * number it holds); null serves nothing, as a server that withholds new versions.
     */
    private volatile java.util.function.Function<String, List<DirectoryVersion>> directoryFor;

    MitmServer serveDirectory(java.util.function.Function<String, List<DirectoryVersion>> directoryFor) {
        this.directoryFor = directoryFor;
        return this;
    }

    MitmServer(IdentityKeys serverKeys, Directory directory, Step... steps) throws IOException {
        this.serverKeys = serverKeys;
        this.directory = directory;
        this.steps = List.of(steps);
        this.listener = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
        this.acceptor = Thread.ofPlatform().daemon().name("mitm-acceptor").start(this::acceptLoop);
    }

    int port() {
        return listener.getLocalPort();
    }

    private void acceptLoop() {
        int index = 0;
        while (!listener.isClosed()) {
            Socket socket;
            try {
                socket = listener.accept();
            } catch (IOException e) {
                return;
            }
            if (index >= steps.size()) {
                closeQuietly(socket); // no more scripted connections: refuse, the client keeps retrying
                continue;
            }
            Step step = steps.get(index++);
            handlers.add(Thread.ofPlatform().daemon().name("mitm-conn-" + index).start(() -> serve(socket, step)));
        }
    }

    private void serve(Socket socket, Step step) {
        try (socket) {
            socket.setSoTimeout((int) TIMEOUT.toMillis());
            FrameReader reader = new FrameReader(socket.getInputStream(), 4 << 20);
            FrameWriter writer = new FrameWriter(new BufferedOutputStream(socket.getOutputStream()));
            InitConn hello = (InitConn) codec.decode(reader.read());
            if (step.impostorKeys() != null) {
                writer.write(codec.encode(impostorReply(hello, step.impostorKeys())));
                writer.flush();
                framesToImpostor.addAndGet(drain(reader));
                return;
            }
            ServerHandshake handshake = new ServerHandshake(serverKeys, directory);
            writer.write(codec.encode(handshake.accept(hello)));
            writer.flush();
            FrameOpener opener = handshake.keys().serverOpener();
            FrameSealer sealer = handshake.keys().serverSealer();
            Principal user = handshake.confirm((InitConfirm) codec.decode(opener.open(reader.read())));
            Message first = codec.decode(opener.open(reader.read()));
            DirectoryGet asked = null;
            if (first instanceof DirectoryGet get) {
                asked = get;
                List<DirectoryVersion> served = directoryFor == null ? null : directoryFor.apply(user.name());
                if (served != null && !served.isEmpty()) {
                    int from = (int) Math.max(0, Math.min(get.number(), served.size()) - 1);
                    writer.write(sealer.seal(codec.encode(new DirectoryUpdate(served.subList(from, served.size())))));
                    writer.flush();
                }
                first = codec.decode(opener.open(reader.read()));
            }
            Sync sync = (Sync) first;
            Conn conn = new Conn(user.name(), sync, reader, writer, opener, sealer);
            conn.directoryGet = asked;
            step.script().run(conn);
        } catch (Throwable e) {
            failures.add(e);
        }
    }

    /** initKey signed with a key that is not the server's: the client must refuse to go on. */
    private static InitKey impostorReply(InitConn hello, IdentityKeys wrong) {
        AgreementKeyPair ephemeral = AgreementKeyPair.generate();
        byte[] nonce = CryptoRandom.bytes(MessageCodec.NONCE_LENGTH);
        byte[] eph = ephemeral.publicKey().bytes();
        byte[] signature = wrong.signing().sign(SignedForms.initKey(ClientHandshake.VERSION, hello.userID(),
                Transcript.th1(hello), nonce, eph));
        return new InitKey(ClientHandshake.VERSION, nonce, eph, signature);
    }

    /** Reads until the client hangs up; returns how many frames it sent meanwhile. */
    private static int drain(FrameReader reader) {
        int frames = 0;
        try {
            while (reader.read() != null) {
                frames++;
            }
        } catch (IOException | ProtocolException ignored) {
            // hung up
        }
        return frames;
    }

    /** Frames clients sent after an impostor's initKey (a client must send none: not even initConfirm). */
    int framesSentToImpostors() {
        return framesToImpostor.get();
    }

    /** A logged-in connection, after the client's sync. */
    final class Conn {
        final String user;
        final Sync sync;
        /** What the client said it holds of the directory log before its sync (null if it sent nothing). */
        DirectoryGet directoryGet;
        private final FrameReader reader;
        private final FrameWriter writer;
        private final FrameOpener opener;
        private final FrameSealer sealer;

        private Conn(String user, Sync sync, FrameReader reader, FrameWriter writer, FrameOpener opener,
                     FrameSealer sealer) {
            this.user = user;
            this.sync = sync;
            this.reader = reader;
            this.writer = writer;
            this.opener = opener;
            this.sealer = sealer;
        }

        /** Sends canonical message bytes (entries exactly as a server stored them). */
        void sendRaw(byte[] json) throws IOException {
            writer.write(sealer.seal(json));
            writer.flush();
        }

        void send(Message message) throws IOException {
            sendRaw(codec.encode(message));
        }

        void sendAll(List<byte[]> entries) throws IOException {
            for (byte[] e : entries) {
                writer.write(sealer.seal(e));
            }
            writer.flush();
        }

        /** The client's next request (pings are answered, not returned); fails on timeout or hang-up. */
        Message next() throws IOException, ProtocolException {
            while (true) {
                byte[] frame;
                try {
                    frame = reader.read();
                } catch (SocketTimeoutException e) {
                    throw new AssertionError(user + ": no request from the client within " + TIMEOUT);
                }
                if (frame == null) {
                    throw new AssertionError(user + ": the client hung up while a request was expected");
                }
                Message m = codec.decode(opener.open(frame));
                if (m instanceof Ping) {
                    send(new Pong());
                    continue;
                }
                if (m instanceof chat.protocol.PresenceWatch) {
                    continue; // this fake server reports no presence
                }
                return m;
            }
        }

        /** Answers pings until the client hangs up (it quits); fails if it does not within the timeout. */
        void awaitHangUp() throws IOException {
            try {
                while (true) {
                    byte[] frame = reader.read();
                    if (frame == null) {
                        return;
                    }
                    Message m = codec.decode(opener.open(frame));
                    if (m instanceof Ping) {
                        send(new Pong());
                    } else if (m instanceof chat.protocol.PresenceWatch) {
                        continue; // this fake server reports no presence
                    } else {
                        throw new AssertionError(user + ": unexpected " + m.type() + " from the client");
                    }
                }
            } catch (SocketTimeoutException e) {
                throw new AssertionError(user + ": the client did not hang up within " + TIMEOUT);
            } catch (ProtocolException e) {
                throw new AssertionError(user + ": " + e.getMessage(), e);
            } catch (java.net.SocketException e) {
                // reset by the exiting client: hung up
            }
        }
    }

    /** Rethrows what went wrong on the server side so far (a script's failed expectation). */
    void check() {
        synchronized (failures) {
            if (!failures.isEmpty()) {
                AssertionError e = new AssertionError("the fake server failed: " + failures.get(0), failures.get(0));
                failures.stream().skip(1).forEach(e::addSuppressed);
                throw e;
            }
        }
    }

    /** Stops accepting, waits for the scripts to end, and fails with what went wrong in them. */
    @Override
    public void close() throws IOException {
        listener.close();
        try {
            acceptor.join(TIMEOUT.toMillis());
            for (Thread t : List.copyOf(handlers)) {
                t.join(TIMEOUT.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        check();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
