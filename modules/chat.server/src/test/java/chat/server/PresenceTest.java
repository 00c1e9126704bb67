package chat.server;

import static org.assertj.core.api.Assertions.assertThat;

import chat.protocol.ErrorCode;
import chat.protocol.Ping;
import chat.protocol.Pong;
import chat.protocol.Presence;
import chat.protocol.PresenceWatch;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Presence (docs/protocol.md, "Presence"): who is connected is told only to those who
 * share a channel with them, and only on connections that asked.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PresenceTest {

    @TempDir
    Path tmp;

    private Bundle bundle;
    private ChatServer server;
    private final List<TestClient> clients = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        bundle = Bundle.generate(tmp.resolve("keys"), "alice", "bob", "carol");
        server = ChatServer.start(bundle.config(tmp.resolve("data")));
    }

    @AfterEach
    void stop() {
        clients.forEach(TestClient::close);
        server.close();
    }

    private TestClient login(String user, boolean watch) throws Exception {
        TestClient c = TestClient.connect(server, bundle, user);
        clients.add(c);
        c.sync();
        if (watch) {
            c.send(new PresenceWatch());
        }
        return c;
    }

    /** Everything that reached {@code c} before the answer to a ping sent now (the server answers in order). */
    private static List<Object> drain(TestClient c) throws Exception {
        c.send(new Ping());
        List<Object> seen = new ArrayList<>();
        for (Object e = c.nextEvent(); !(e instanceof Pong); e = c.nextEvent()) {
            seen.add(e);
        }
        return seen;
    }

    @Test
    void membersOfASharedChannelLearnWhoComesAndGoesAndNobodyElseLearnsAnything() throws Exception {
        TestClient alice = login("alice", true);
        alice.create("general");
        alice.awaitSeq("general", 1);
        alice.invite("general", "bob");
        alice.awaitSeq("general", 2);
        TestClient carol = login("carol", true); // shares no channel with anyone

        TestClient bob = login("bob", true);
        assertThat(alice.next(Presence.class)).isEqualTo(new Presence("bob", true));
        assertThat(drain(bob)).containsExactly(new Presence("alice", true)); // the current set, when asked

        bob.close();
        assertThat(alice.next(Presence.class)).isEqualTo(new Presence("bob", false));
        assertThat(drain(carol)).as("a non-member learns nothing").isEmpty();
        assertThat(drain(alice)).isEmpty();
    }

    @Test
    void aUserIsOnlineFromTheFirstConnectionToTheEndOfTheLast() throws Exception {
        TestClient alice = login("alice", true);
        alice.create("general");
        alice.awaitSeq("general", 1);
        alice.invite("general", "bob");
        alice.awaitSeq("general", 2);
        TestClient phone = login("bob", false);
        assertThat(alice.next(Presence.class)).isEqualTo(new Presence("bob", true));
        TestClient laptop = login("bob", false);
        phone.close();
        assertThat(drain(alice)).as("bob is still online on his laptop").isEmpty();
        laptop.close();
        assertThat(alice.next(Presence.class)).isEqualTo(new Presence("bob", false));
    }

    @Test
    void aClientThatDidNotAskIsNeverSentPresenceAndAskingTwiceOrBeforeSyncIsRefused() throws Exception {
        TestClient alice = login("alice", false); // as a client older than presence
        alice.create("general");
        alice.awaitSeq("general", 1);
        alice.invite("general", "bob");
        alice.awaitSeq("general", 2);
        TestClient bob = login("bob", true);
        bob.close();
        assertThat(drain(alice)).isEmpty();
        // the server ends bob's connection on its own thread: wait for it before asking
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
        while (server.connectionCount() > 1) {
            assertThat(System.nanoTime()).as("bob's connection never ended").isLessThan(deadline);
            Thread.sleep(10);
        }

        alice.send(new PresenceWatch());
        assertThat(drain(alice)).isEmpty(); // bob is gone: nobody to report
        alice.send(new PresenceWatch());
        alice.nextError(ErrorCode.UNEXPECTED_MESSAGE);

        TestClient early = TestClient.connect(server, bundle, "carol");
        clients.add(early);
        early.send(new PresenceWatch());
        early.nextError(ErrorCode.UNEXPECTED_MESSAGE);
    }

    @Test
    void someoneInvitedLaterLearnsTheMembersOnlineAndTheyLearnAboutThem() throws Exception {
        TestClient alice = login("alice", true);
        TestClient bob = login("bob", true);
        assertThat(drain(alice)).as("no shared channel yet").isEmpty();
        alice.create("general");
        alice.awaitSeq("general", 1);
        alice.invite("general", "bob");
        bob.awaitSeq("general", 2);
        assertThat(alice.next(Presence.class)).isEqualTo(new Presence("bob", true));
        assertThat(bob.next(Presence.class)).isEqualTo(new Presence("alice", true));
    }

    @Test
    void aMemberWhoLeftStopsLearningAboutTheOthers() throws Exception {
        TestClient alice = login("alice", true);
        alice.create("general");
        alice.awaitSeq("general", 1);
        alice.invite("general", "bob");
        alice.awaitSeq("general", 2);
        TestClient bob = login("bob", true);
        assertThat(drain(bob)).containsExactly(new Presence("alice", true));
        bob.leave("general");
        bob.awaitSeq("general", 3);
        alice.awaitSeq("general", 3);
        alice.create("other");
        alice.awaitSeq("other", 1);
        alice.invite("other", "carol");
        alice.awaitSeq("other", 2);
        TestClient carol = login("carol", true);
        assertThat(drain(carol)).containsExactly(new Presence("alice", true));
        alice.close();
        // told to carol and (were it so) to bob in one go: once carol has it, bob's would be queued
        assertThat(carol.next(Presence.class)).isEqualTo(new Presence("alice", false));
        assertThat(drain(bob)).as("bob left #general: alice's going is not his business").isEmpty();
    }
}
