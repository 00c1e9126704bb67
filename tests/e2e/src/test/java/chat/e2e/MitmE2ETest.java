package chat.e2e;

import static chat.e2e.ClientProcess.event;
import static org.assertj.core.api.Assertions.assertThat;

import chat.protocol.AddUser;
import chat.protocol.ChainHash;
import chat.protocol.ChannelCrypto;
import chat.protocol.ChannelHead;
import chat.protocol.Comms;
import chat.protocol.Entries;
import chat.protocol.ErrorCode;
import chat.protocol.ErrorMessage;
import chat.protocol.Message;
import chat.protocol.MessageCodec;
import chat.protocol.ProtocolException;
import chat.protocol.ReplayFinished;
import chat.protocol.Stamp;
import chat.protocol.Sync;
import chat.protocol.View;
import chat.protocol.identity.Directory;
import chat.protocol.identity.IdentityKeys;
import chat.protocol.identity.ServerBundle;
import chat.protocol.identity.UserBundle;
import chat.protocol.wire.ClientHandshake;
import chat.protocol.wire.FrameOpener;
import chat.protocol.wire.FrameReader;
import chat.protocol.wire.FrameSealer;
import chat.protocol.wire.FrameWriter;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client (the built image, json frontend) against a malicious server. A real history
 * is made first with the real server and real clients; then a fake server that holds the
 * server's keys (it reads the server bundle, as a server thief or the operator could)
 * replays it manipulated. Every manipulation must surface as an {@code alarm} event naming
 * the channel, the entry and the kind; a fake server without the server's key does not
 * even get past the login.
 */
@Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
class MitmE2ETest {

    private static final ChatImage CHAT = ChatImage.fromSystemProperty();
    private static final MessageCodec CODEC = new MessageCodec();
    private static final String CHANNEL = "ops";

    @TempDir
    static Path shared;

    private static ClientFixture fixture;
    /** The channel's genuine entries as the real server delivered them: index i holds channelSeq i + 1. */
    private static List<byte[]> genuine;
    private static ReplayFinished genuineEnd;
    private static IdentityKeys serverKeys;
    private static IdentityKeys aliceKeys;
    private static IdentityKeys bobKeys;
    private static Directory directory;
    private static byte[] channelKey;

    @TempDir
    Path tmp;

    /**
     * With the real server: alice creates the channel and invites bob; alice, bob, alice,
     * alice post, each having seen the entry before (so each signed view names it). Then
     * the entries are read back as bob and the server is stopped.
     */
    @BeforeAll
    static void recordARealHistory() throws Exception {
        fixture = new ClientFixture(CHAT, shared, "alice", "bob");
        fixture.startServer();
        ClientProcess alice = fixture.client("alice");
        ClientProcess bob = fixture.client("bob");
        alice.ok("c", "{\"cmd\":\"create\",\"channel\":\"ops\"}");
        alice.ok("i", "{\"cmd\":\"invite\",\"channel\":\"ops\",\"user\":\"bob\"}");
        alice.ok("1", "{\"cmd\":\"send\",\"channel\":\"ops\",\"text\":\"first from alice\"}");
        bob.await("first", event("message", "text", "first from alice"));
        bob.ok("2", "{\"cmd\":\"send\",\"channel\":\"ops\",\"text\":\"first from bob\"}");
        alice.await("bob's", event("message", "text", "first from bob"));
        alice.ok("3", "{\"cmd\":\"send\",\"channel\":\"ops\",\"text\":\"second from alice\"}");
        alice.ok("4", "{\"cmd\":\"send\",\"channel\":\"ops\",\"text\":\"third from alice\"}");
        bob.await("the last", event("message", "text", "third from alice"));
        assertThat(alice.quit()).isZero();
        assertThat(bob.quit()).isZero();

        ServerBundle server = ServerBundle.load(fixture.serverDir());
        serverKeys = server.keys();
        directory = server.directory();
        aliceKeys = UserBundle.load(fixture.bundle("alice")).unlock(fixture.passwords.get("alice").toCharArray());
        bobKeys = UserBundle.load(fixture.bundle("bob")).unlock(fixture.passwords.get("bob").toCharArray());
        fetchAsBob();
        fixture.stopServer();

        assertThat(genuine).hasSize(6);
        for (int i = 0; i < genuine.size(); i++) {
            assertThat(seqOf(decode(genuine.get(i)))).isEqualTo(i + 1);
        }
        assertThat(((Comms) decode(genuine.get(3))).view().seq()).as("bob saw #3 before posting #4").isEqualTo(3);
        assertThat(((Comms) decode(genuine.get(5))).view().seq()).as("alice saw #5 before posting #6").isEqualTo(5);
        channelKey = ChannelCrypto.unwrapKey((AddUser) decode(genuine.get(1)), bobKeys.agreement());
    }

    @AfterAll
    static void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    /** Logs in to the real server as bob with the protocol classes and records the replay. */
    private static void fetchAsBob() throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), fixture.port())) {
            socket.setSoTimeout(30_000);
            FrameReader reader = new FrameReader(socket.getInputStream(), 4 << 20);
            FrameWriter writer = new FrameWriter(new BufferedOutputStream(socket.getOutputStream()));
            ClientHandshake handshake = new ClientHandshake(bobKeys, directory.server());
            writer.write(CODEC.encode(handshake.start()));
            writer.flush();
            ClientHandshake.Result result = handshake.finish((chat.protocol.InitKey) CODEC.decode(reader.read()));
            FrameSealer sealer = result.keys().clientSealer();
            FrameOpener opener = result.keys().clientOpener();
            writer.write(sealer.seal(CODEC.encode(result.confirm())));
            writer.write(sealer.seal(CODEC.encode(new Sync(Map.of()))));
            writer.flush();
            List<byte[]> entries = new ArrayList<>();
            while (true) {
                byte[] json = opener.open(reader.read());
                Message m = CODEC.decode(json);
                if (m instanceof ReplayFinished r) {
                    genuineEnd = r;
                    break;
                }
                assertThat(m).isInstanceOfAny(AddUser.class, Comms.class);
                entries.add(json);
            }
            genuine = List.copyOf(entries);
        }
    }

    // ------------------------------------------------------------------ helpers

    private static Message decode(byte[] json) {
        try {
            return CODEC.decode(json);
        } catch (ProtocolException e) {
            throw new AssertionError(e);
        }
    }

    private static long seqOf(Message m) {
        return m instanceof AddUser a ? a.stamp().channelSeq() : ((Comms) m).stamp().channelSeq();
    }

    private static long timestampOf(byte[] json) {
        Message m = decode(json);
        return m instanceof AddUser a ? a.stamp().timestamp() : ((Comms) m).stamp().timestamp();
    }

    private static byte[] restamp(byte[] json, long seq, long timestamp) {
        Message m = decode(json);
        Stamp s = new Stamp(seq, timestamp);
        return CODEC.encode(m instanceof AddUser a ? a.withStamp(s) : ((Comms) m).withStamp(s));
    }

    /** The chain head after the first {@code seq} of {@code entries}. */
    private static byte[] head(List<byte[]> entries, long seq) {
        byte[] head = ChainHash.genesis(CHANNEL);
        for (int i = 0; i < seq; i++) {
            head = ChainHash.next(head, entries.get(i));
        }
        return head;
    }

    /** replayFinished as an honest server would send it after {@code entries}. */
    private static ReplayFinished end(List<byte[]> entries) {
        return new ReplayFinished(genuineEnd.userSeq(), Map.of(CHANNEL, new ChannelHead(entries.size(),
                head(entries, entries.size()))));
    }

    private static List<byte[]> entries(int... seqs) {
        List<byte[]> out = new ArrayList<>();
        for (int seq : seqs) {
            out.add(genuine.get(seq - 1));
        }
        return out;
    }

    /** The fake server's script: the given entries, then the given end of replay, then live silence. */
    private static MitmServer.Script replay(List<byte[]> entries, ReplayFinished end) {
        return conn -> {
            conn.sendAll(entries);
            conn.send(end);
            conn.awaitHangUp();
        };
    }

    /** bob's bundle without any state: a new device. */
    private Path newDevice() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("bob-new"));
        for (String file : List.of("directory.json", "identity.key")) {
            Files.copy(fixture.bundle("bob").resolve(file), dir.resolve(file));
        }
        return dir;
    }

    /** bob's bundle with the state his client recorded from the real server (the whole history). */
    private Path deviceWithHistory() throws IOException {
        Path source = fixture.bundle("bob");
        Path dir = tmp.resolve("bob-held");
        try (Stream<Path> files = Files.walk(source)) {
            for (Path f : files.toList()) {
                Path to = dir.resolve(source.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(f, to, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        return dir;
    }

    private static ClientProcess bobAt(MitmServer fake, Path bundle) {
        return ClientProcess.start(CHAT, "bob", bundle, fake.port(), fixture.passwords.get("bob"));
    }

    /** The alarms bob's client reported during the replay, as "kind@seq", after checking they name the channel. */
    private static List<String> alarmsOf(ClientProcess bob, String channel) {
        List<String> out = new ArrayList<>();
        for (ClientProcess.Event e : bob.events(event("alarm"))) {
            assertThat(e.str("channel")).as(e.line()).isEqualTo(channel);
            assertThat(e.str("message")).as(e.line()).isNotBlank();
            out.add(e.str("kind") + "@" + e.num("seq"));
        }
        return out;
    }

    /** What bob's client reported: its alarms as "kind@seq" and every event. */
    record Run(List<String> alarms, List<ClientProcess.Event> events) {
        List<String> texts() {
            return events.stream().filter(event("message")).map(e -> e.str("text")).toList();
        }

        List<ClientProcess.Event> entryEvents() {
            return events.stream().filter(e -> "message".equals(e.type()) || "member".equals(e.type())).toList();
        }
    }

    /** Runs bob's client against a fake server replaying {@code entries} and {@code end}; alarms all come before ready. */
    private static Run run(Path bundle, List<byte[]> entries, ReplayFinished end) throws IOException {
        try (MitmServer fake = new MitmServer(serverKeys, directory, MitmServer.Step.honest(replay(entries, end)));
             ClientProcess bob = bobAt(fake, bundle)) {
            bob.ready();
            List<String> alarms = alarmsOf(bob, CHANNEL);
            assertThat(bob.quit()).as(bob.describe()).isZero();
            return new Run(alarms, bob.events());
        }
    }

    // ------------------------------------------------------------------ the control

    @Test
    void theGenuineHistoryThroughTheFakeServerRaisesNoAlarm() throws IOException {
        Run run = run(newDevice(), genuine, end(genuine));
        assertThat(run.alarms()).isEmpty();
        assertThat(run.texts()).containsExactly("first from alice", "first from bob", "second from alice",
                "third from alice");
        assertThat(run.entryEvents()).hasSize(6);
    }

    @Test
    void aDeviceThatHoldsTheHistoryIgnoresItsRepetitionSilently() throws IOException {
        Run run = run(deviceWithHistory(), genuine, end(genuine));
        assertThat(run.alarms()).isEmpty();
        assertThat(run.entryEvents()).isEmpty();
    }

    // ------------------------------------------------------------------ manipulated replays

    @Test
    void aDroppedEntryIsAGap() throws IOException {
        Run run = run(newDevice(), entries(1, 2, 3, 5, 6), end(genuine));
        assertThat(run.alarms()).containsExactly("gap@4");
        assertThat(run.texts()).containsExactly("first from alice");
    }

    @Test
    void aWithheldCreationIsOneGapForTheWholeChannel() throws IOException {
        Run run = run(newDevice(), entries(2, 3, 4, 5, 6), end(genuine));
        assertThat(run.alarms()).containsExactly("gap@1");
        assertThat(run.entryEvents()).isEmpty();
    }

    @Test
    void swappedEntriesAreGaps() throws IOException {
        assertThat(run(newDevice(), entries(1, 2, 3, 5, 4, 6), end(genuine)).alarms()).containsExactly("gap@4", "gap@5");
    }

    @Test
    void entriesReorderedUnderNewSeqsAreAFork() throws IOException {
        // the server claims #6 came before #5 (with times to match); but #6 was signed having seen #5
        List<byte[]> reordered = new ArrayList<>(entries(1, 2, 3, 4));
        reordered.add(restamp(genuine.get(5), 5, timestampOf(genuine.get(4))));
        reordered.add(restamp(genuine.get(4), 6, timestampOf(genuine.get(5))));
        assertThat(run(newDevice(), reordered, end(reordered)).alarms()).containsExactly("fork@5");
    }

    @Test
    void anAlteredCiphertextIsABadSignature() throws IOException {
        List<byte[]> altered = new ArrayList<>(genuine);
        altered.set(2, flipCiphertext(genuine.get(2)));
        assertThat(run(newDevice(), altered, end(altered)).alarms()).containsExactly("bad_signature@3");
    }

    @Test
    void aTimestampMovedBackIsATimestampAlarm() throws IOException {
        List<byte[]> altered = new ArrayList<>(genuine);
        altered.set(4, restamp(genuine.get(4), 5, timestampOf(genuine.get(3)) - 1));
        assertThat(run(newDevice(), altered, end(altered)).alarms()).containsExactly("timestamp@5");
    }

    @Test
    void anEntryThisDeviceHoldsComingBackDifferentIsRewritten() throws IOException {
        List<byte[]> altered = new ArrayList<>(genuine);
        altered.set(2, flipCiphertext(genuine.get(2)));
        assertThat(run(deviceWithHistory(), altered, end(genuine)).alarms()).containsExactly("rewritten@3");
    }

    @Test
    void aForkIsDetectedWhenTheNextEntryWasSignedOnTheRealHistory() throws Exception {
        // #5 replaced by another message, validly signed by alice, with the same userSeq and view
        Comms real = (Comms) decode(genuine.get(4));
        Comms forged = Entries.comms(aliceKeys.signing(), CHANNEL, real.epoch(), "alice", real.userSeq(), real.view(),
                channelKey, "forged by the server");
        List<byte[]> forkedHistory = new ArrayList<>(entries(1, 2, 3, 4));
        forkedHistory.add(CODEC.encode(forged.withStamp(real.stamp())));
        forkedHistory.add(genuine.get(5)); // alice's #6, signed on the real #5
        Run run = run(newDevice(), forkedHistory, end(forkedHistory));
        assertThat(run.alarms()).containsExactly("fork@6");
        // the forged entry itself cannot be told from a real one; the next entry signed elsewhere gives it away
        assertThat(run.texts()).containsExactly("first from alice", "first from bob", "forged by the server");
    }

    @Test
    void aShorterHistoryThanThisDeviceHoldsIsReported() throws IOException {
        ReplayFinished shorter = new ReplayFinished(genuineEnd.userSeq(),
                Map.of(CHANNEL, new ChannelHead(4, head(genuine, 4))));
        assertThat(run(deviceWithHistory(), List.of(), shorter).alarms()).containsExactly("shorter_history@4");
    }

    @Test
    void aDifferentHeadAtTheSameSeqIsAFork() throws IOException {
        byte[] other = head(genuine, 6).clone();
        other[0] ^= 1;
        ReplayFinished forked = new ReplayFinished(genuineEnd.userSeq(), Map.of(CHANNEL, new ChannelHead(6, other)));
        assertThat(run(deviceWithHistory(), List.of(), forked).alarms()).containsExactly("fork@6");
    }

    @Test
    void aChannelNoLongerListedIsWithheld() throws IOException {
        ReplayFinished none = new ReplayFinished(genuineEnd.userSeq(), Map.of());
        assertThat(run(deviceWithHistory(), List.of(), none).alarms()).containsExactly("channel_withheld@0");
    }

    @Test
    void claimingMoreThanWasDeliveredIsAGap() throws IOException {
        assertThat(run(newDevice(), entries(1, 2, 3, 4), end(genuine)).alarms()).containsExactly("gap@5");
    }

    private static byte[] flipCiphertext(byte[] json) {
        Comms c = (Comms) decode(json);
        byte[] ct = c.ct().clone();
        ct[0] ^= 1;
        return CODEC.encode(new Comms(c.channelID(), c.epoch(), c.userID(), c.userSeq(), c.view(), c.nonce(), ct,
                c.signature(), c.stamp()));
    }

    // ------------------------------------------------------------------ the server's key

    @Test
    void aServerWithoutTheServersKeyIsRefusedAtLoginWithExitThree() throws IOException {
        IdentityKeys wrong = IdentityKeys.generate("server");
        try (MitmServer fake = new MitmServer(serverKeys, directory, MitmServer.Step.impostor(wrong));
             ClientProcess bob = bobAt(fake, newDevice())) {
            assertThat(bob.closeInputAndWait()).as(bob.describe()).isEqualTo(3);
            assertThat(bob.stderr()).contains("did not prove the server key listed in directory.json");
            assertThat(bob.events(e -> !"connection".equals(e.type())))
                    .as("nothing on stdout but how far the login came: there was no login").isEmpty();
            assertThat(bob.events(event("connection", "state", "catchingUp"))).as("it never logged in").isEmpty();
            fake.close();
            assertThat(fake.framesSentToImpostors()).as("nothing sent after the impostor's initKey").isZero();
        }
    }

    @Test
    void aServerKeyThatChangesWhileConnectedStopsTheClientTrying() throws IOException {
        IdentityKeys wrong = IdentityKeys.generate("server");
        try (MitmServer fake = new MitmServer(serverKeys, directory,
                MitmServer.Step.honest(conn -> conn.send(end(genuine))), // then hangs up
                MitmServer.Step.impostor(wrong));
             ClientProcess bob = bobAt(fake, deviceWithHistory())) {
            bob.ready();
            bob.await("disconnected", event("disconnected"));
            ClientProcess.Event failed = bob.await("connectionFailed", event("connectionFailed"),
                    ClientFixture.reconnectTimeout());
            assertThat(failed.str("reason")).contains("did not prove the server key");
            assertThat(bob.quit()).isZero();
            fake.close();
            assertThat(fake.framesSentToImpostors()).as("nothing sent after the impostor's initKey").isZero();
        }
    }

    @Test
    void aClientThatGaveUpConnectingDoesNotLeaveTheFrontendWaiting() throws IOException {
        IdentityKeys wrong = IdentityKeys.generate("server");
        MitmServer.Script takesTheCreateAndHangsUp = conn -> {
            conn.send(end(genuine));
            assertThat(conn.next()).isInstanceOf(AddUser.class);
        };
        try (MitmServer fake = new MitmServer(serverKeys, directory, MitmServer.Step.honest(takesTheCreateAndHangsUp),
                MitmServer.Step.impostor(wrong));
             ClientProcess bob = bobAt(fake, deviceWithHistory())) {
            bob.ready();
            // a command after a create waits for the create's acknowledgement, which will never come
            bob.send("{\"cmd\":\"create\",\"channel\":\"elsewhere\",\"id\":\"c\"}");
            bob.send("{\"cmd\":\"channels\",\"id\":\"after\"}");
            bob.await("connectionFailed", event("connectionFailed"), ClientFixture.reconnectTimeout());
            bob.await("the next command, no longer waiting", event("channels", "id", "after"));
            assertThat(bob.quit()).as(bob.describe()).isEqualTo(1);
            assertThat(bob.stderr()).contains("1 command(s) not acknowledged (the client stopped connecting)",
                    "stay queued");
            assertThat(bob.events(event("ok", "id", "c"))).isEmpty();
        }
    }

    // ------------------------------------------------------------------ the outbox against a lying or failing server

    @Test
    void aCommandRefusedBecauseTheServerIsShuttingDownStaysQueuedAndGoesOutOnce() throws Exception {
        long nextSeq = genuine.size() + 1;
        long time = timestampOf(genuine.get(5)) + 1000;
        List<byte[]> sent = new ArrayList<>();
        MitmServer.Script shuttingDown = conn -> {
            conn.send(end(genuine));
            Comms request = (Comms) conn.next();
            sent.add(CODEC.encode(request));
            conn.send(new ErrorMessage(ErrorCode.SHUTTING_DOWN, "the server is shutting down; send this again after"
                    + " it restarts", CHANNEL, request.userSeq(), null));
        };
        MitmServer.Script back = conn -> {
            assertThat(conn.sync.cursors()).isEqualTo(Map.of(CHANNEL, 6L));
            conn.send(end(genuine));
            Comms request = (Comms) conn.next();
            sent.add(CODEC.encode(request));
            conn.send(request.withStamp(new Stamp(nextSeq, time)));
            conn.awaitHangUp();
        };
        try (MitmServer fake = new MitmServer(serverKeys, directory, MitmServer.Step.honest(shuttingDown),
                MitmServer.Step.honest(back));
             ClientProcess bob = bobAt(fake, deviceWithHistory())) {
            bob.ready();
            bob.send("{\"cmd\":\"send\",\"channel\":\"ops\",\"text\":\"try again\",\"id\":\"t\"}");
            bob.await("disconnected", event("disconnected"));
            bob.await("reconnected", event("reconnected"), ClientFixture.reconnectTimeout());
            bob.await("ok", event("ok", "id", "t", "seq", nextSeq));
            assertThat(bob.quit()).as(bob.describe()).isZero();
            assertThat(bob.events(event("error"))).as(bob.describe()).isEmpty();
            assertThat(bob.events(event("message", "text", "try again"))).hasSize(1);
            assertThat(sent).hasSize(2);
            assertThat(sent.get(1)).as("the same signed entry, sent again").isEqualTo(sent.get(0));
            assertThat(alarmsOf(bob, CHANNEL)).isEmpty();
        }
    }

    @Test
    void anotherDevicesEntryWithOurUserSeqDoesNotAcknowledgeOurs() throws Exception {
        long time = timestampOf(genuine.get(5)) + 1000;
        List<Comms> requests = new ArrayList<>();
        MitmServer.Script script = conn -> {
            conn.send(end(genuine));
            Comms mine = (Comms) conn.next();
            requests.add(mine);
            // bob's other device got there first with the same userSeq
            Comms other = Entries.comms(bobKeys.signing(), CHANNEL, 0, "bob", mine.userSeq(),
                    new View(6, head(genuine, 6)), channelKey, "from bob's other device");
            byte[] otherDelivered = CODEC.encode(other.withStamp(new Stamp(7, time)));
            conn.sendRaw(otherDelivered);
            conn.send(new ErrorMessage(ErrorCode.STALE_USER_SEQ, "userSeq " + mine.userSeq() + " is not greater than"
                    + " your last accepted userSeq " + mine.userSeq(), CHANNEL, mine.userSeq(), mine.userSeq()));
            Comms again = (Comms) conn.next();
            requests.add(again);
            conn.send(again.withStamp(new Stamp(8, time + 1)));
            conn.awaitHangUp();
        };
        try (MitmServer fake = new MitmServer(serverKeys, directory, MitmServer.Step.honest(script));
             ClientProcess bob = bobAt(fake, deviceWithHistory())) {
            bob.ready();
            bob.send("{\"cmd\":\"send\",\"channel\":\"ops\",\"text\":\"from this device\",\"id\":\"d\"}");
            ClientProcess.Event ok = bob.await("ok", event("ok", "id", "d"));
            assertThat(bob.quit()).as(bob.describe()).isZero();
            assertThat(ok.num("seq")).as("acknowledged by its own echo, not the other device's").isEqualTo(8);
            ClientProcess.Event other = bob.await("the other device's message",
                    event("message", "text", "from bob's other device", "mine", true));
            assertThat(other.get("id")).as(other.line()).isNull();
            assertThat(bob.events(event("message", "text", "from this device", "id", "d"))).hasSize(1);
            assertThat(bob.events(e -> "notice".equals(e.type()) || "error".equals(e.type()))).isEmpty();
            assertThat(requests.get(1).userSeq()).isGreaterThan(requests.get(0).userSeq());
            assertThat(requests.get(1).view().seq()).as("signed again on the newer view").isEqualTo(7);
            assertThat(alarmsOf(bob, CHANNEL)).isEmpty();
        }
    }
}
