package chat.server;

import static org.assertj.core.api.Assertions.assertThat;

import chat.protocol.Comms;
import chat.protocol.ErrorCode;
import chat.protocol.ErrorMessage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attack review finding 6 (storage): one member must not be able to fill the disk. A
 * user's quota, the server's total and the free-disk reserve refuse new entries with
 * {@code storageFull}; others go on, departures and rotations still pass, and the counts
 * survive a restart.
 */
@Timeout(value = 90, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class StorageQuotaTest {

    private static final String BIG = "x".repeat(2000);

    @TempDir
    Path tmp;

    private Bundle bundle;
    private ChatServer server;
    private final List<TestClient> open = new ArrayList<>();

    @BeforeEach
    void bundle() {
        bundle = Bundle.generate(tmp.resolve("keys"), "alice", "bob", "carol");
    }

    @AfterEach
    void stop() {
        open.forEach(TestClient::close);
        if (server != null) {
            server.close();
        }
    }

    private void start(Quotas quotas) throws ServerException {
        server = ChatServer.start(bundle.config(tmp.resolve("data")).withQuotas(quotas));
    }

    private TestClient login(String user) throws Exception {
        TestClient c = TestClient.connect(server, bundle, user);
        open.add(c);
        c.sync();
        return c;
    }

    /** alice sends big messages until one is refused; returns how many were stored. */
    private static int fill(TestClient alice, String channel) throws Exception {
        for (int i = 0; i < 100; i++) {
            Comms m = alice.say(channel, BIG + i);
            long deadline = System.nanoTime() + TestClient.WAIT.toNanos();
            while (!alice.state().awaitAck(m.userSeq(), java.time.Duration.ofMillis(20))) {
                if (!alice.noEvents()) {
                    ErrorMessage e = alice.nextError(ErrorCode.STORAGE_FULL);
                    assertThat(e.userSeq()).isEqualTo(m.userSeq());
                    return i;
                }
                assertThat(System.nanoTime()).as("an echo or a refusal of message " + i).isLessThan(deadline);
            }
        }
        throw new AssertionError("100 messages of 2 KB passed the quota");
    }

    @Test
    void aUsersQuotaRefusesTheirMessagesOnlyAndSurvivesARestart() throws Exception {
        start(new Quotas(20_000, 0, 0));
        TestClient alice = login("alice");
        TestClient bob = login("bob");
        room(alice, bob);
        int stored = fill(alice, "room");
        assertThat(stored).as("about 20,000 bytes of 2 KB messages").isBetween(5, 9);
        Comms bobs = bob.say("room", "bob is not limited by alice's quota");
        bob.awaitAck(bobs);
        ErrorMessage refused = sayAndExpectRefusal(alice, "room", "still full");
        assertThat(refused.message()).contains("quota of 20000 bytes per user");

        // the count is the journal's, not memory's: a restart refuses alice at once
        open.forEach(TestClient::close);
        open.clear();
        server.close();
        start(new Quotas(20_000, 0, 0));
        TestClient alice2 = TestClient.connect(server, bundle, alice.state());
        open.add(alice2);
        alice2.sync();
        sayAndExpectRefusal(alice2, "room", "after the restart");

        // leaving is never refused by a quota, and the rotation that must follow passes too
        TestClient bob2 = TestClient.connect(server, bundle, bob.state());
        open.add(bob2);
        bob2.sync();
        alice2.leave("room");
        long afterLeave = bob.state().entries("room").size() + 1;
        bob2.awaitSeq("room", afterLeave);
        bob2.rotate("room", "bob");
        bob2.awaitSeq("room", afterLeave + 1);
    }

    @Test
    void theServersTotalRefusesEveryonesMessages() throws Exception {
        start(new Quotas(0, 25_000, 0));
        TestClient alice = login("alice");
        TestClient bob = login("bob");
        room(alice, bob);
        fill(alice, "room");
        ErrorMessage refused = sayAndExpectRefusal(bob, "room", "bob too");
        assertThat(refused.message()).contains("--max-storage");
    }

    @Test
    void theFreeDiskReserveRefusesNewChannelsAndMessages() throws Exception {
        start(new Quotas(0, 0, Long.MAX_VALUE / 4)); // more than any disk has free
        TestClient alice = login("alice");
        alice.create("room");
        ErrorMessage refused = alice.nextError(ErrorCode.STORAGE_FULL);
        assertThat(refused.message()).contains("--min-free-disk");
        // the name was not taken by the refused creation
        server.close();
        open.forEach(TestClient::close);
        open.clear();
        start(Quotas.NONE);
        TestClient again = TestClient.connect(server, bundle, alice.state());
        open.add(again);
        again.sync();
        again.create("room");
        again.awaitSeq("room", 1);
    }

    private static ErrorMessage sayAndExpectRefusal(TestClient c, String channel, String text) throws Exception {
        Comms m = c.say(channel, BIG + text); // as big as what filled it: no room left for it
        ErrorMessage e = c.nextError(ErrorCode.STORAGE_FULL);
        assertThat(e.userSeq()).isEqualTo(m.userSeq());
        return e;
    }

    /** alice makes the channel "room" and invites bob; both have seen it, and alice's queue is empty. */
    private static void room(TestClient alice, TestClient bob) throws Exception {
        alice.create("room");
        alice.invite("room", "bob");
        alice.awaitSeq("room", 2);
        bob.awaitSeq("room", 2);
        drain(alice);
    }

    /** Drops what is queued (the echoes of the set-up) so the next event is a reply to what follows. */
    private static void drain(TestClient c) throws Exception {
        while (!c.noEvents()) {
            c.nextEvent();
        }
    }
}
