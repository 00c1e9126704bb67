package chat.server;

import static org.assertj.core.api.Assertions.assertThat;

import chat.protocol.ChainHash;
import chat.protocol.Comms;
import chat.protocol.ErrorCode;
import chat.protocol.Expired;
import chat.protocol.ReplayFinished;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attack review finding 6 (retention): with {@code --retain}, messages past the period are
 * compacted away; a device syncing from 0 gets each run of them as one {@code expired}
 * placeholder in its place, carrying the head the chain had after it, then the kept entries,
 * whose chain continues from that head. Membership entries and rotations are never expired.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RetentionTest {

    private static final Duration KEEP = Duration.ofSeconds(3);

    @TempDir
    Path tmp;

    private Bundle bundle;
    private ChatServer server;
    private final List<TestClient> open = new ArrayList<>();

    @BeforeEach
    void bundle() {
        bundle = Bundle.generate(tmp.resolve("keys"), "alice", "bob");
    }

    @AfterEach
    void stop() {
        open.forEach(TestClient::close);
        if (server != null) {
            server.close();
        }
    }

    private TestClient login(String user) throws Exception {
        TestClient c = TestClient.connect(server, bundle, user);
        open.add(c);
        c.sync();
        return c;
    }

    @Test
    void aNewDeviceGetsOnePlaceholderPerExpiredRunThenTheKeptEntries() throws Exception {
        server = ChatServer.start(bundle.config(tmp.resolve("data")), new Retention(KEEP, Duration.ofMillis(200)));
        TestClient alice = login("alice");
        alice.create("room");
        alice.invite("room", "bob");
        alice.say("room", "old 3");
        alice.say("room", "old 4");
        alice.awaitAck(alice.rotate("room", "alice", "bob")); // 5: kept, between two runs
        alice.say("room", "old 6");
        Comms last = alice.say("room", "old 7");
        alice.awaitAck(last);
        Thread.sleep(KEEP.toMillis() + 500);
        alice.say("room", "new 8");
        Comms fresh = alice.say("room", "new 9");
        alice.awaitAck(fresh);

        // A new device of bob's: poll until the compaction (every 200 ms) has run.
        List<Object> replay = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            TestClient bob = TestClient.connect(server, bundle, "bob");
            open.add(bob);
            bob.send(new chat.protocol.Sync(java.util.Map.of()));
            List<Object> got = new ArrayList<>();
            Object e;
            while (!((e = bob.nextEvent()) instanceof ReplayFinished)) {
                got.add(e);
            }
            if (!got.isEmpty()) {
                replay = got;
                assertThat(bob.arrivals()).as("creation, invitation, run, rotation, run, then the kept entries")
                        .startsWith("addUser room 1", "addUser room 2", "expired room 3-4", "rotate room 5");
                assertThat(bob.arrivals().get(4)).startsWith("expired room 6-");
                Expired second = (Expired) got.get(1);
                for (long seq = second.toSeq() + 1; seq <= 9; seq++) {
                    assertThat(bob.arrivals()).contains("comms room " + seq);
                }
                // The placeholders carry the heads the chain had there, and the chain goes on from them.
                Expired first = (Expired) got.get(0);
                assertThat(first.head()).isEqualTo(alice.state().entries("room").get(3).headAfter());
                assertThat(second.head()).isEqualTo(alice.state().entries("room").get((int) second.toSeq() - 1)
                        .headAfter());
                assertThat(first.timestamp()).isEqualTo(alice.state().entries("room").get(3).entry().stamp().timestamp());
                assertThat(bob.state().head("room")).isEqualTo(alice.state().head("room"));
                assertThat(bob.state().problems()).isEmpty();
                break;
            }
            bob.close(); // nothing expired yet: try again
            Thread.sleep(200);
        }
        assertThat(replay).as("a replay with placeholders within 30 s").isNotNull();

        // The old device reconnects from its cursor: nothing of the past comes again, and it goes on.
        alice.close();
        TestClient again = TestClient.connect(server, bundle, alice.state());
        open.add(again);
        again.sync();
        Comms more = again.say("room", "still here");
        again.awaitAck(more);
        assertThat(again.arrivals()).noneMatch(a -> a.startsWith("expired"));
        assertThat(again.state().problems()).isEmpty();

        // A client may not send a placeholder.
        again.send(new Expired("room", 2, 3, ChainHash.genesis("room"), 0));
        assertThat(again.nextError(ErrorCode.UNEXPECTED_MESSAGE).message()).contains("expired");
    }

    @Test
    void durationsAreAWholeNumberAndAUnitAndAnythingElseIsOneSentence() {
        assertThat(Retention.parseDuration("30d", "--retain")).isEqualTo(Duration.ofDays(30));
        assertThat(Retention.parseDuration("12h", "--retain")).isEqualTo(Duration.ofHours(12));
        assertThat(Retention.parseDuration("90m", "--retain")).isEqualTo(Duration.ofMinutes(90));
        assertThat(Retention.parseDuration("2S", "--compact-every")).isEqualTo(Duration.ofSeconds(2));
        for (String bad : List.of("", "d", "0d", "-1d", "1.5d", "2w", "12", "1d2h", "99999999999999d")) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> Retention.parseDuration(bad, "--retain"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("--retain: '" + bad + "' is not a duration; write a positive whole number and a unit,"
                            + " d (days), h (hours), m (minutes) or s (seconds), e.g. 30d or 12h");
        }
    }
}
