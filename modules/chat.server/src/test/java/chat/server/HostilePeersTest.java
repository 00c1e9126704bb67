package chat.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import chat.protocol.ErrorCode;
import chat.protocol.ErrorMessage;
import chat.protocol.InitConfirm;
import chat.protocol.InitConn;
import chat.protocol.InitKey;
import chat.protocol.Message;
import chat.protocol.MessageCodec;
import chat.protocol.Sync;
import chat.protocol.identity.IdentityKeys;
import chat.protocol.wire.ClientHandshake;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import chat.protocol.Comms;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Peers that misbehave: read too slowly, send garbage, never finish the handshake, go
 * silent, open too many connections. Each is cut off, and the well-behaved clients next to
 * them notice nothing.
 */
@Timeout(value = 90, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HostilePeersTest {

    private static final MessageCodec CODEC = new MessageCodec();

    @TempDir
    Path tmp;

    private Bundle bundle;
    private ChatServer server;
    private final List<AutoCloseable> open = new ArrayList<>();

    @BeforeEach
    void bundle() {
        bundle = Bundle.generate(tmp.resolve("keys"), "alice", "bob", "carol", "dave");
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private void start(int maxConnections, int maxPerUser, Duration handshake, Duration idle, int queue)
            throws ServerException {
        server = ChatServer.start(Bundle.with(bundle.config(tmp.resolve("data")), maxConnections, maxPerUser,
                handshake, idle, queue));
    }

    private TestClient login(String user) throws Exception {
        TestClient c = TestClient.connect(server, bundle, user);
        open.add(c);
        return c;
    }

    private RawPeer raw() throws IOException {
        RawPeer p = new RawPeer(server.address());
        open.add(p);
        return p;
    }

    /** Polls {@code condition} (never asserting how long it took) until it holds; fails after 30 s. */
    private static void eventually(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("never happened: " + what);
            }
            Thread.sleep(10);
        }
    }

    /** Creates a channel of alice's with the others invited, everyone synced and caught up. */
    private static void channel(String name, TestClient owner, TestClient... others) throws Exception {
        owner.create(name);
        for (TestClient o : others) {
            owner.invite(name, o.user());
        }
        owner.awaitSeq(name, 1 + others.length);
        for (TestClient o : others) {
            o.awaitSeq(name, 1 + others.length);
        }
    }

    @Test
    void aClientThatStopsReadingIsDisconnectedWhileTheOthersReceiveEverything() throws Exception {
        start(100, 4, Duration.ofSeconds(10), Duration.ofSeconds(120), 64);
        TestClient alice = login("alice");
        TestClient bob = login("bob");
        alice.sync();
        bob.sync();
        TestClient dave = TestClient.connect(server.address(), new ClientState(bundle.user("dave"), bundle.directory),
                bundle.directory, 4096, false);
        open.add(dave);
        dave.send(new Sync(Map.of()));
        eventually("dave is synced", () -> {
            try {
                return dave.socket().getInputStream().available() > 0;
            } catch (IOException e) {
                return false;
            }
        });
        channel("firehose", alice, bob);
        alice.invite("firehose", "dave");
        alice.awaitSeq("firehose", 3);
        assertThat(server.connectionCount()).isEqualTo(3);

        String big = "x".repeat(32 * 1024);
        int sent = 0;
        while (server.connectionCount() > 2) {
            assertThat(sent).as("dave should have been cut off long before").isLessThan(3000);
            List<chat.protocol.Comms> batch = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                batch.add(alice.say("firehose", "a" + sent + " " + big));
                batch.add(bob.say("firehose", "b" + sent + " " + big));
                sent++;
            }
            alice.awaitAck(batch.get(batch.size() - 2));
            bob.awaitAck(batch.getLast());
        }
        // After dave is gone, the others go on as before.
        for (int i = 0; i < 20; i++) {
            alice.say("firehose", "after " + i);
        }
        long total = 3 + 2L * sent + 20;
        alice.awaitSeq("firehose", total);
        bob.awaitSeq("firehose", total);
        assertThat(alice.state().problems()).isEmpty();
        assertThat(bob.state().problems()).isEmpty();
        assertThat(alice.state().head("firehose")).isEqualTo(bob.state().head("firehose"));
        assertThat(alice.state().acked()).hasSize(3 + sent + 20);
        assertThat(bob.state().acked()).hasSize(sent);

        // dave's stream ends: whatever is buffered, then the end.
        dave.socket().setSoTimeout(30_000);
        InputStream in = dave.socket().getInputStream();
        byte[] sink = new byte[64 * 1024];
        try {
            while (in.read(sink) >= 0) {
                // drain
            }
        } catch (java.net.SocketTimeoutException e) {
            throw new AssertionError("the server did not close dave's connection", e);
        } catch (IOException reset) {
            // closed with our unread request bytes, or reset: closed either way
        }
    }

    @Test
    void garbageFromManySocketsEndsThoseConnectionsOnlyWhileRealClientsGoOn() throws Exception {
        // A generous handshake limit: every connection below must end because of what it sent.
        start(100, 4, Duration.ofSeconds(30), Duration.ofSeconds(120), 8192);
        TestClient alice = login("alice");
        TestClient bob = login("bob");
        alice.sync();
        bob.sync();
        channel("calm", alice, bob);

        Random random = new Random(42);
        byte[] noise = new byte[4096];
        random.nextBytes(noise);
        noise[0] = 0x7f; // as a length: far over the frame limit
        byte[] noiseFrame = new byte[300];
        random.nextBytes(noiseFrame);
        IdentityKeys aliceKeys = bundle.user("alice");
        Map<String, Callable<RawPeer.Ending>> cases = new LinkedHashMap<>();
        cases.put("random bytes", () -> sendAndRead(noise));
        cases.put("length 0xFFFFFFFF", () -> sendAndRead(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff}));
        cases.put("length 2 GiB, no payload", () -> sendAndRead(new byte[] {(byte) 0x80, 0, 0, 0}));
        cases.put("length 0", () -> sendAndRead(new byte[] {0, 0, 0, 0}));
        cases.put("length 64 KiB before login", () -> sendAndRead(new byte[] {0, 1, 0, 0}));
        cases.put("length 1 MiB + 1", () -> sendAndRead(new byte[] {0, 0x10, 0, 1}));
        cases.put("random payload in a frame", () -> sendAndRead(RawPeer.frame(noiseFrame)));
        cases.put("truncated frame, then close", () -> {
            RawPeer p = raw();
            p.write(new byte[] {0, 0, 1, 0, '{', '"', 't'});
            p.socket.shutdownOutput();
            return p.readToEnd(20_000);
        });
        cases.put("truncated header, then close", () -> {
            RawPeer p = raw();
            p.write(new byte[] {0, 0});
            p.socket.shutdownOutput();
            return p.readToEnd(20_000);
        });
        cases.put("JSON that is not initConn", () -> sendAndRead(RawPeer.frame(json("{\"type\":\"sync\",\"cursors\":{}}"))));
        cases.put("JSON without a type", () -> sendAndRead(RawPeer.frame(json("{\"hello\":\"server\"}"))));
        cases.put("a JSON array", () -> sendAndRead(RawPeer.frame(json("[1,2,3]"))));
        cases.put("initConn of an unknown user", () -> {
            IdentityKeys mallory = IdentityKeys.generate("mallory");
            return sendAndRead(RawPeer.frame(CODEC.encode(new ClientHandshake(mallory, bundle.directory.server()).start())));
        });
        cases.put("initConn signed with another user's key", () -> {
            IdentityKeys fake = new IdentityKeys("alice", bundle.user("bob").signing(), bundle.user("bob").agreement());
            return sendAndRead(RawPeer.frame(CODEC.encode(new ClientHandshake(fake, bundle.directory.server()).start())));
        });
        cases.put("initConn of protocol version 2", () -> {
            InitConn real = new ClientHandshake(aliceKeys, bundle.directory.server()).start();
            return sendAndRead(RawPeer.frame(CODEC.encode(new InitConn(2, real.userID(), real.nonce(),
                    real.ephemeralKey(), real.signature()))));
        });
        cases.put("valid initConn, then garbage", () -> afterInitKey(aliceKeys, (p, keys) -> p.write(RawPeer.frame(noiseFrame))));
        cases.put("valid initConn, then initConfirm in clear", () -> afterInitKey(aliceKeys,
                (p, keys) -> p.write(RawPeer.frame(CODEC.encode(keys.confirm())))));
        cases.put("valid initConn, then a forged initConfirm", () -> afterInitKey(aliceKeys,
                (p, keys) -> p.write(RawPeer.frame(keys.keys().clientSealer().seal(CODEC.encode(new InitConfirm(new byte[64])))))));
        cases.put("valid initConn, then initConn again", () -> afterInitKey(aliceKeys,
                (p, keys) -> p.write(RawPeer.frame(CODEC.encode(new ClientHandshake(aliceKeys, bundle.directory.server()).start())))));

        Map<String, Future<RawPeer.Ending>> results = new LinkedHashMap<>();
        List<chat.protocol.Comms> sent = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            cases.forEach((name, c) -> results.put(name, pool.submit(c)));
            for (int i = 0; i < 50; i++) {
                sent.add(alice.say("calm", "alice " + i));
                sent.add(bob.say("calm", "bob " + i));
            }
            // A logged-in client that breaks the frame encryption is cut off too (with an encrypted error).
            TestClient carol = login("carol");
            carol.sync();
            carol.sendUnsealed(RawPeer.frame(noiseFrame));
            List<ErrorMessage> carolErrors = carol.awaitClosed();
            assertThat(carolErrors).extracting(ErrorMessage::code).containsExactly(ErrorCode.BAD_FRAME);
        }
        for (var r : results.entrySet()) {
            RawPeer.Ending ending = r.getValue().get();
            ErrorMessage error = ending.error();
            if (error != null) {
                assertThat(error.code()).as(r.getKey() + ": " + error)
                        .isIn(ErrorCode.HANDSHAKE_FAILED, ErrorCode.UNKNOWN_USER, ErrorCode.UNSUPPORTED_VERSION);
            } else {
                assertThat(ending.reset()).as(r.getKey() + ": closed without an error only when our bytes were unread")
                        .isTrue();
            }
        }
        assertThat(results.get("initConn of an unknown user").get().error().code()).isEqualTo(ErrorCode.UNKNOWN_USER);
        assertThat(results.get("initConn of protocol version 2").get().error().code())
                .isEqualTo(ErrorCode.UNSUPPORTED_VERSION);
        assertThat(results.get("JSON that is not initConn").get().error().message()).contains("expected initConn");
        assertThat(results.get("valid initConn, then a forged initConfirm").get().error().message())
                .contains("initConfirm signature");
        assertThat(results.get("length 64 KiB before login").get().error().message()).contains("exceeds the limit");
        assertThat(results.get("truncated frame, then close").get().error().message()).contains("truncated");

        for (chat.protocol.Comms c : sent) {
            (c.userID().equals("alice") ? alice : bob).awaitAck(c);
        }
        alice.awaitSeq("calm", 102);
        bob.awaitSeq("calm", 102);
        assertThat(alice.state().problems()).isEmpty();
        assertThat(bob.state().problems()).isEmpty();
        assertThat(alice.state().head("calm")).isEqualTo(bob.state().head("calm"));
        eventually("only alice and bob are connected", () -> server.connectionCount() == 2);
    }

    private RawPeer.Ending sendAndRead(byte[] bytes) throws IOException {
        RawPeer p = raw();
        try {
            p.write(bytes);
        } catch (IOException e) {
            // the server may cut us off before we are done writing
        }
        return p.readToEnd(20_000);
    }

    private static byte[] json(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    interface AfterKey {
        void send(RawPeer p, ClientHandshake.Result keys) throws Exception;
    }

    /** A real handshake up to initKey, then {@code then}; returns how the connection ended. */
    private RawPeer.Ending afterInitKey(IdentityKeys user, AfterKey then) throws Exception {
        RawPeer p = raw();
        ClientHandshake handshake = new ClientHandshake(user, bundle.directory.server());
        p.write(RawPeer.frame(CODEC.encode(handshake.start())));
        DataInputStream in = new DataInputStream(p.in());
        p.socket.setSoTimeout(20_000);
        byte[] reply = new byte[in.readInt()];
        in.readFully(reply);
        Message m = CODEC.decode(reply);
        assertThat(m).isInstanceOf(InitKey.class);
        then.send(p, handshake.finish((InitKey) m));
        return p.readToEnd(20_000);
    }

    @Test
    void aHandshakeThatNeverCompletesIsCutAfterTheHandshakeTimeout() throws Exception {
        start(100, 4, Duration.ofMillis(500), Duration.ofSeconds(120), 8192);
        TestClient alice = login("alice");
        alice.sync();

        RawPeer silent = raw();
        RawPeer.Ending ending = silent.readToEnd(20_000);
        assertThat(ending.error().code()).isEqualTo(ErrorCode.HANDSHAKE_FAILED);
        assertThat(ending.error().message()).contains("500 ms");

        RawPeer halfway = raw();
        halfway.write(RawPeer.frame(CODEC.encode(new ClientHandshake(bundle.user("bob"), bundle.directory.server()).start())));
        RawPeer.Ending second = halfway.readToEnd(20_000);
        assertThat(second.messages()).hasSize(2);
        assertThat(second.messages().getFirst()).isInstanceOf(InitKey.class);
        assertThat(second.error().code()).isEqualTo(ErrorCode.HANDSHAKE_FAILED);

        // Bytes that trickle in do not stretch the limit: initConn one byte at a time, slower
        // than the whole limit allows, must never be answered.
        RawPeer trickle = raw();
        byte[] hello = RawPeer.frame(CODEC.encode(new ClientHandshake(bundle.user("carol"), bundle.directory.server()).start()));
        java.util.concurrent.atomic.AtomicBoolean sentAll = new java.util.concurrent.atomic.AtomicBoolean();
        Thread dribbler = Thread.ofVirtual().start(() -> {
            try {
                for (byte b : hello) {
                    trickle.write(new byte[] {b});
                    Thread.sleep(50);
                }
                sentAll.set(true);
            } catch (IOException | InterruptedException e) {
                // cut off, as expected (the thread then ends: whether it is alive says nothing)
            }
        });
        RawPeer.Ending third = trickle.readToEnd(60_000);
        boolean finishedSending = sentAll.get();
        dribbler.interrupt();
        assertThat(third.messages()).noneMatch(InitKey.class::isInstance);
        assertThat(finishedSending).as("cut off while the initConn was still trickling in").isFalse();

        // Meanwhile alice is fine: a logged-in client is not subject to the handshake limit.
        alice.create("fine");
        alice.awaitSeq("fine", 1);
        eventually("only alice is connected", () -> server.connectionCount() == 1);
    }

    @Test
    void anIdleClientIsToldAndCutAfterTheIdleTimeout() throws Exception {
        start(100, 4, Duration.ofSeconds(10), Duration.ofSeconds(1), 8192);
        TestClient alice = login("alice");
        alice.sync();
        alice.create("quiet");
        alice.awaitSeq("quiet", 1);
        List<ErrorMessage> errors = alice.awaitClosed();
        assertThat(errors).extracting(ErrorMessage::code).containsExactly(ErrorCode.IDLE_TIMEOUT);
        // Logged in but never synced: the same.
        TestClient bob = login("bob");
        assertThat(bob.awaitClosed()).extracting(ErrorMessage::code).containsExactly(ErrorCode.IDLE_TIMEOUT);
        eventually("nobody is connected", () -> server.connectionCount() == 0);
        // Idle clients lose nothing: alice comes back to her channel.
        TestClient again = TestClient.connect(server, bundle, alice.state());
        open.add(again);
        again.sync();
        again.say("quiet", "back");
        again.awaitSeq("quiet", 2);
    }

    @Test
    void connectionLimitsInTotalAndPerUserGiveTooManyConnections() throws Exception {
        start(3, 2, Duration.ofSeconds(10), Duration.ofSeconds(120), 8192);
        TestClient a1 = login("alice");
        TestClient a2 = login("alice");
        a1.sync();
        a2.sync();
        // A third connection of alice's completes the handshake, then is refused (encrypted).
        TestClient a3 = login("alice");
        try {
            a3.send(new Sync(Map.of()));
        } catch (java.io.IOException refusedFirst) {
            // the refusal can come, and the connection close, before this sync is written
        }
        assertThat(a3.awaitClosed()).extracting(ErrorMessage::code).containsExactly(ErrorCode.TOO_MANY_CONNECTIONS);
        eventually("alice's third connection is gone", () -> server.connectionCount() == 2);

        TestClient bob = login("bob");
        bob.sync();
        // The fourth connection in total is refused in clear, before the handshake.
        assertThatThrownBy(() -> login("carol"))
                .isInstanceOfSatisfying(TestClient.Refused.class,
                        r -> assertThat(r.error.code()).isEqualTo(ErrorCode.TOO_MANY_CONNECTIONS));
        // The ones inside keep working.
        channel("full", a1, bob);
        a2.awaitSeq("full", 2);

        bob.close();
        eventually("bob's connection is gone", () -> server.connectionCount() == 2);
        TestClient carol = login("carol");
        carol.sync();
        a1.invite("full", "carol");
        carol.awaitSeq("full", 3);
    }

    /**
     * Attack review finding 4: a flood of idle, never-authenticated sockets filled every
     * connection slot and 100% of real logins were refused. Unfinished handshakes now give
     * way to newer connections (oldest first), so a real login gets through the flood.
     */
    @Test
    void realUsersLogInDuringAFloodOfIdleSockets() throws Exception {
        start(100, 4, Duration.ofSeconds(30), Duration.ofSeconds(120), 8192);
        TestClient alice = login("alice");
        alice.sync();
        List<java.net.Socket> flood = new ArrayList<>();
        try {
            for (int i = 0; i < 300; i++) { // three times the connection limit, never saying a word
                flood.add(new java.net.Socket(server.address().getAddress(), server.address().getPort()));
            }
            for (String user : List.of("bob", "carol", "dave")) {
                TestClient c = login(user);
                c.sync();
                channel("during-" + user, alice, c);
            }
            eventually("handshakes stay within their share", () -> server.connectionCount() <= 100);
        } finally {
            for (java.net.Socket s : flood) {
                s.close();
            }
        }
    }

    /**
     * Attack review finding 4 (per address): a flood of idle sockets from one address
     * (127.0.0.2) keeps at most its own share of unfinished handshakes open, making room
     * among its own sockets; a user from another address (127.0.0.1) logs in and talks.
     */
    @Test
    void oneAddressFloodingGivesWayToItselfAndNotToOthers() throws Exception {
        server = ChatServer.start(bundle.config(tmp.resolve("data")).withMaxHandshakesPerAddress(16));
        List<java.net.Socket> flood = new ArrayList<>();
        try {
            java.net.InetAddress attacker = java.net.InetAddress.getByName("127.0.0.2");
            for (int i = 0; i < 200; i++) {
                java.net.Socket s = new java.net.Socket(server.address().getAddress(), server.address().getPort(),
                        attacker, 0);
                flood.add(s);
            }
            eventually("one address holds at most 16 unfinished handshakes", () -> server.connectionCount() <= 16);
            // the oldest gave way: the first socket of the flood was closed by the server
            flood.get(0).setSoTimeout(10_000);
            assertThat(flood.get(0).getInputStream().read()).isEqualTo(-1);
            TestClient alice = login("alice");
            TestClient bob = login("bob");
            alice.sync();
            bob.sync();
            channel("during-the-flood", alice, bob);
        } finally {
            for (java.net.Socket s : flood) {
                s.close();
            }
        }
    }

    /**
     * Attack review finding 6 (rate and fairness): one user sending as fast as they can is
     * slowed to the configured rate (their requests wait; none is refused), while another
     * user's message goes through at once. The bound checked is a lower one, which a slow
     * machine cannot break: 62 entries at 20 per second with a burst of 20 take 2 s or more.
     */
    @Test
    void aFloodingUserIsSlowedDownAndNobodyElseIs() throws Exception {
        server = ChatServer.start(bundle.config(tmp.resolve("data")).withEntriesPerSecondPerUser(20));
        TestClient alice = login("alice");
        TestClient bob = login("bob");
        alice.sync();
        bob.sync();
        long start = System.nanoTime();
        channel("flood", alice, bob); // two of alice's entries
        Comms last = null;
        for (int i = 0; i < 60; i++) {
            last = alice.say("flood", "as fast as I can " + i);
        }
        Comms bobs = bob.say("flood", "not slowed by alice");
        bob.awaitAck(bobs);
        long bobDone = System.nanoTime() - start;
        alice.awaitAck(last);
        long aliceDone = System.nanoTime() - start;
        assertThat(Duration.ofNanos(aliceDone)).as("alice's 62 entries at 20/s, burst 20")
                .isGreaterThanOrEqualTo(Duration.ofMillis(1900));
        assertThat(bobDone).as("bob's message went through while alice waited").isLessThan(aliceDone);
        assertThat(alice.state().entries("flood")).hasSize(63);
    }
}
