package chat.server;

import chat.crypto.MalformedInputException;
import chat.protocol.AddUser;
import chat.protocol.ChainHash;
import chat.protocol.ChannelCrypto;
import chat.protocol.Comms;
import chat.protocol.Entries;
import chat.protocol.ErrorCode;
import chat.protocol.ErrorMessage;
import chat.protocol.InitKey;
import chat.protocol.MemberChange;
import chat.protocol.Message;
import chat.protocol.MessageCodec;
import chat.protocol.ProtocolException;
import chat.protocol.ReplayFinished;
import chat.protocol.Rotate;
import chat.protocol.Sync;
import chat.protocol.View;
import chat.protocol.identity.Directory;
import chat.protocol.identity.Principal;
import chat.protocol.wire.ClientHandshake;
import chat.protocol.wire.FrameOpener;
import chat.protocol.wire.FrameReader;
import chat.protocol.wire.FrameSealer;
import chat.protocol.wire.FrameWriter;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A small blocking client for tests (the server's own, and the image tests in tests/e2e,
 * which take it from this module's test jar): connects, runs the handshake, and (unless told not
 * to) reads on its own thread, feeding channel entries to its {@link ClientState} and
 * everything else (errors, replayFinished, pongs, the end of the stream) to a queue the
 * test takes from with a timeout. The helpers build valid signed entries from the
 * state's userSeq and chain heads.
 */
public final class TestClient implements AutoCloseable {

    public static final Duration WAIT = Duration.ofSeconds(30);

    /** The end of the server's stream: {@code cause} is null for a clean end of stream. */
    public record Closed(Exception cause) {
    }

    /** The server refused the handshake with an error in clear. */
    public static final class Refused extends Exception {
        final ErrorMessage error;

        Refused(ErrorMessage error) {
            super(error.code().wireName() + ": " + error.message());
            this.error = error;
        }
    }

    private final Socket socket;
    private final ClientState state;
    /** The directory the client follows: the bundle's newest published one, for this module's tests. */
    private final Supplier<Directory> directory;
    private final MessageCodec codec = new MessageCodec();
    private final FrameReader frames;
    private final FrameWriter out;
    private final FrameSealer sealer;
    private final FrameOpener opener;
    private final LinkedBlockingQueue<Object> events = new LinkedBlockingQueue<>();
    private final Object sendLock = new Object();
    /** Everything received after the handshake, in order, briefly: "addUser room 3", "directory 1-2". */
    private final java.util.List<String> arrivals = new java.util.concurrent.CopyOnWriteArrayList<>();
    private Thread reader;
    private volatile boolean closed;

    private TestClient(Socket socket, ClientState state, Supplier<Directory> directory, FrameReader frames, FrameWriter out,
                       FrameSealer sealer, FrameOpener opener) {
        this.socket = socket;
        this.state = state;
        this.directory = directory;
        this.frames = frames;
        this.out = out;
        this.sealer = sealer;
        this.opener = opener;
    }

    /** Connects and logs in with a reader thread. */
    public static TestClient connect(InetSocketAddress address, ClientState state, Directory directory)
            throws IOException, ProtocolException, Refused {
        return connect(address, state, directory, 0, true);
    }

    public static TestClient connect(ChatServer server, Bundle bundle, String user) throws Exception {
        return connect(server.address(), new ClientState(bundle.user(user), bundle::everyone), bundle::everyone, 0, true);
    }

    public static TestClient connect(ChatServer server, Bundle bundle, ClientState state) throws Exception {
        return connect(server.address(), state, bundle::everyone, 0, true);
    }

    public static TestClient connect(InetSocketAddress address, ClientState state, Directory directory, int receiveBuffer,
                              boolean read) throws IOException, ProtocolException, Refused {
        return connect(address, state, () -> directory, receiveBuffer, read);
    }

    /**
     * Connects and logs in. {@code receiveBuffer} > 0 sets SO_RCVBUF before connecting;
     * {@code read} false starts no reader: nothing is ever read after the handshake.
     */
    public static TestClient connect(InetSocketAddress address, ClientState state, Supplier<Directory> directory,
                              int receiveBuffer, boolean read) throws IOException, ProtocolException, Refused {
        Socket socket = new Socket();
        try {
            if (receiveBuffer > 0) {
                socket.setReceiveBufferSize(receiveBuffer);
            }
            socket.connect(address, 5000);
            socket.setSoTimeout((int) WAIT.toMillis());
            socket.setTcpNoDelay(true);
            MessageCodec codec = new MessageCodec();
            FrameReader frames = new FrameReader(socket.getInputStream(), 4 << 20);
            FrameWriter out = new FrameWriter(new BufferedOutputStream(socket.getOutputStream(), 64 * 1024));
            ClientHandshake handshake = new ClientHandshake(state.me, directory.get().server());
            out.write(codec.encode(handshake.start()));
            out.flush();
            byte[] frame = frames.read();
            if (frame == null) {
                throw new IOException("server closed the connection during the handshake");
            }
            Message reply = codec.decode(frame);
            if (reply instanceof ErrorMessage e) {
                throw new Refused(e);
            }
            ClientHandshake.Result result = handshake.finish((InitKey) reply);
            FrameSealer sealer = result.keys().clientSealer();
            FrameOpener opener = result.keys().clientOpener();
            out.write(sealer.seal(codec.encode(result.confirm())));
            out.flush();
            socket.setSoTimeout(0);
            TestClient client = new TestClient(socket, state, directory, frames, out, sealer, opener);
            if (read) {
                client.reader = Thread.ofPlatform().daemon().name("test-client-" + state.user()).start(client::readLoop);
            }
            return client;
        } catch (IOException | ProtocolException | Refused | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** Starts reading, for a client connected with {@code read} false: what the server held back follows. */
    public void startReading() {
        if (reader == null) {
            reader = Thread.ofPlatform().daemon().name("test-client-" + state.user()).start(this::readLoop);
        }
    }

    /** The reader has seen the end of the stream. */
    public boolean isClosed() {
        return closed;
    }

    public ClientState state() {
        return state;
    }

    public String user() {
        return state.user();
    }

    public Socket socket() {
        return socket;
    }

    private void readLoop() {
        try {
            while (true) {
                byte[] frame = frames.read();
                if (frame == null) {
                    events.add(new Closed(null));
                    return;
                }
                byte[] json = opener.open(frame);
                Message m = codec.decode(json);
                arrivals.add(brief(m));
                switch (m) {
                    case AddUser a -> state.received(a, json);
                    case Comms c -> state.received(c, json);
                    case MemberChange mc -> state.received(mc, json);
                    case Rotate r -> state.received(r, json);
                    case chat.protocol.Expired x -> {
                        state.expired(x);
                        events.add(x);
                    }
                    case ReplayFinished rf -> {
                        state.atLeastUserSeq(rf.userSeq());
                        events.add(rf);
                    }
                    default -> events.add(m);
                }
            }
        } catch (IOException | ProtocolException | RuntimeException e) {
            events.add(new Closed(e));
        } finally {
            closed = true;
            // As a real client does once the server has ended the stream.
            try {
                socket.close();
            } catch (IOException ignored) {
                // closed already
            }
        }
    }

    private static String brief(Message m) {
        return switch (m) {
            case chat.protocol.ChannelEntry e -> e.type() + " " + e.channelID() + " "
                    + (e.stamp() == null ? "?" : e.stamp().channelSeq());
            case chat.protocol.DirectoryUpdate d -> d.type() + " " + d.versions().getFirst().number() + "-"
                    + d.versions().getLast().number();
            case chat.protocol.Expired x -> x.type() + " " + x.channelID() + " " + x.fromSeq() + "-" + x.toSeq();
            default -> m.type();
        };
    }

    /** What arrived so far, in order of arrival: entries as "type channel seq", directories as "directory from-to". */
    public java.util.List<String> arrivals() {
        return java.util.List.copyOf(arrivals);
    }

    // ------------------------------------------------------------------ sending

    public void send(Message m) throws IOException {
        synchronized (sendLock) {
            out.write(sealer.seal(codec.encode(m)));
            out.flush();
        }
    }

    /** Sends raw frame payload bytes as an encrypted frame (for malformed JSON after login). */
    public void sendJson(byte[] json) throws IOException {
        synchronized (sendLock) {
            out.write(sealer.seal(json));
            out.flush();
        }
    }

    /** Sends bytes as they are, outside the session's encryption (a broken frame, for instance). */
    public void sendUnsealed(byte[] bytes) throws IOException {
        synchronized (sendLock) {
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
        }
    }

    /** Sends sync with the state's cursors and returns the replayFinished that ends the replay. */
    public ReplayFinished sync() throws Exception {
        send(new Sync(state.cursors()));
        return next(ReplayFinished.class);
    }

    public ReplayFinished sync(Map<String, Long> cursors) throws Exception {
        send(new Sync(cursors));
        return next(ReplayFinished.class);
    }

    /** Creates a channel: a fresh key, epoch 0, view 0 and the genesis head. */
    public AddUser create(String channel) throws Exception {
        synchronized (sendLock) {
            byte[] key = ChannelCrypto.newChannelKey();
            state.setKey(channel, key);
            AddUser m = Entries.addUser(state.me.signing(), channel, 0, user(), user(),
                    state.me.agreement().publicKey(), key, state.nextUserSeq(), new View(0, ChainHash.genesis(channel)));
            send(m);
            return m;
        }
    }

    public AddUser invite(String channel, String invitee) throws Exception {
        synchronized (sendLock) {
            Principal p = directory.get().user(invitee).orElseThrow();
            AddUser m = Entries.addUser(state.me.signing(), channel, state.epoch(channel), user(), invitee, p.agreementKey(),
                    state.key(channel), state.nextUserSeq(), state.view(channel));
            send(m);
            return m;
        }
    }

    public Comms say(String channel, String text) throws Exception {
        synchronized (sendLock) {
            Comms m = comms(channel, text);
            send(m);
            return m;
        }
    }

    /** A valid comms for the channel with the next userSeq, not sent. */
    public Comms comms(String channel, String text) throws MalformedInputException {
        byte[] key = state.key(channel);
        return Entries.comms(state.me.signing(), channel, state.epoch(channel), user(), state.nextUserSeq(),
                state.view(channel),
                key != null ? key : ChannelCrypto.newChannelKey(), text);
    }

    /** Leaves the channel. */
    public MemberChange leave(String channel) throws Exception {
        return sendMember(channel, user(), MemberChange.Change.LEAVE);
    }

    /** Removes {@code subject} from the channel (an admin's request). */
    public MemberChange remove(String channel, String subject) throws Exception {
        return sendMember(channel, subject, MemberChange.Change.REMOVE);
    }

    /** Makes {@code subject} an admin of the channel (an admin's request). */
    public MemberChange promote(String channel, String subject) throws Exception {
        return sendMember(channel, subject, MemberChange.Change.ADMIN);
    }

    private MemberChange sendMember(String channel, String subject, MemberChange.Change change) throws Exception {
        synchronized (sendLock) {
            MemberChange m = member(channel, subject, change);
            send(m);
            return m;
        }
    }

    /** A valid member entry in the channel's current epoch with the next userSeq, not sent. */
    public MemberChange member(String channel, String subject, MemberChange.Change change) {
        return Entries.member(state.me.signing(), channel, state.epoch(channel), user(), subject, change,
                state.nextUserSeq(), state.view(channel));
    }

    /** Rotates to the next epoch with a fresh key wrapped to {@code members}; the new key is ours once echoed. */
    public Rotate rotate(String channel, String... members) throws Exception {
        synchronized (sendLock) {
            Rotate m = rotateEntry(channel, members);
            send(m);
            return m;
        }
    }

    /** A valid rotate to the epoch after the one this device holds, wrapped to {@code members}, not sent. */
    public Rotate rotateEntry(String channel, String... members) throws MalformedInputException {
        Map<String, chat.crypto.AgreementPublicKey> keys = new java.util.TreeMap<>();
        for (String member : members) {
            keys.put(member, directory.get().user(member).orElseThrow().agreementKey());
        }
        byte[] previous = state.key(channel);
        return Entries.rotate(state.me.signing(), channel, state.epoch(channel) + 1, user(), keys,
                ChannelCrypto.newChannelKey(), previous != null ? previous : ChannelCrypto.newChannelKey(),
                state.nextUserSeq(), state.view(channel));
    }

    // ------------------------------------------------------------------ waiting

    /** The next message that is not a channel entry, or {@link Closed}; fails after {@link #WAIT}. */
    public Object nextEvent() throws InterruptedException {
        Object e = events.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        if (e == null) {
            throw new AssertionError(user() + ": nothing arrived within " + WAIT);
        }
        return e;
    }

    public <T> T next(Class<T> type) throws InterruptedException {
        Object e = nextEvent();
        if (!type.isInstance(e)) {
            throw new AssertionError(user() + ": expected " + type.getSimpleName() + ", got " + e);
        }
        return type.cast(e);
    }

    public ErrorMessage nextError(ErrorCode expected) throws InterruptedException {
        ErrorMessage e = next(ErrorMessage.class);
        if (e.code() != expected) {
            throw new AssertionError(user() + ": expected error " + expected.wireName() + ", got " + e);
        }
        return e;
    }

    /** Waits for the end of the stream, skipping nothing: returns the errors that came before it. */
    public java.util.List<ErrorMessage> awaitClosed() throws InterruptedException {
        java.util.List<ErrorMessage> errors = new java.util.ArrayList<>();
        while (true) {
            Object e = nextEvent();
            switch (e) {
                case Closed c -> {
                    return errors;
                }
                case ErrorMessage m -> errors.add(m);
                default -> throw new AssertionError(user() + ": expected the end of the stream, got " + e);
            }
        }
    }

    /** No event is waiting (errors, closes); entries are not events. */
    public boolean noEvents() {
        return events.isEmpty();
    }

    public void awaitAck(Message sent) throws InterruptedException {
        long userSeq = switch (sent) {
            case chat.protocol.ChannelEntry e -> e.userSeq();
            default -> throw new IllegalArgumentException(sent.type());
        };
        if (!state.awaitAck(userSeq, WAIT)) {
            throw new AssertionError(user() + ": userSeq " + userSeq + " was not echoed within " + WAIT);
        }
    }

    public void awaitSeq(String channel, long seq) throws InterruptedException {
        if (!state.awaitSeq(channel, seq, WAIT)) {
            throw new AssertionError(user() + ": " + channel + " did not reach " + seq + " within " + WAIT
                    + " (at " + state.seq(channel) + ")");
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (reader != null) {
            try {
                reader.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
