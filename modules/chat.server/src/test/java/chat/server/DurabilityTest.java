package chat.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import chat.protocol.AddUser;
import chat.protocol.Comms;
import chat.protocol.ErrorCode;
import chat.protocol.ErrorMessage;
import chat.protocol.ReplayFinished;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What the server keeps: nothing readable, everything it acknowledged, across closes and restarts, in one process. */
@Timeout(value = 90, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DurabilityTest {

    @TempDir
    Path tmp;

    private Bundle bundle;
    private ServerConfig config;
    private final List<AutoCloseable> open = new ArrayList<>();

    @BeforeEach
    void bundle() {
        bundle = Bundle.generate(tmp.resolve("keys"), "alice", "bob", "carol");
        config = bundle.config(tmp.resolve("data"));
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
    }

    private ChatServer start() throws ServerException {
        return start(config);
    }

    private ChatServer start(ServerConfig c) throws ServerException {
        ChatServer s = ChatServer.start(c);
        open.add(s);
        return s;
    }

    private TestClient login(ChatServer server, ClientState state) throws Exception {
        TestClient c = TestClient.connect(server, bundle, state);
        open.add(c);
        return c;
    }

    private ClientState device(String user) {
        return new ClientState(bundle.user(user), bundle.directory);
    }

    @Test
    void theDataFolderHoldsNoPlaintextAndNoChannelKey() throws Exception {
        ChatServer server = start();
        TestClient alice = login(server, device("alice"));
        TestClient bob = login(server, device("bob"));
        alice.sync();
        bob.sync();
        alice.create("secret");
        alice.invite("secret", "bob");
        bob.awaitSeq("secret", 2);
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String text = "PLAINTEXT-CANARY-" + UUID.randomUUID() + "-" + i;
            texts.add(text);
            (i % 2 == 0 ? alice : bob).say("secret", text);
        }
        alice.awaitSeq("secret", 22);
        assertThat(alice.state().entries("secret")).extracting(ClientState.Received::text).filteredOn(t -> t != null)
                .containsExactlyInAnyOrderElementsOf(texts);
        byte[] key = alice.state().key("secret");
        server.close();

        List<Path> files;
        try (Stream<Path> walk = Files.walk(config.dataDir())) {
            files = walk.filter(Files::isRegularFile).toList();
        }
        assertThat(files).isNotEmpty();
        long bytes = 0;
        for (Path f : files) {
            byte[] content = Files.readAllBytes(f);
            bytes += content.length;
            for (String text : texts) {
                assertThat(indexOf(content, text.getBytes(StandardCharsets.UTF_8))).as(f + " holds " + text).isEqualTo(-1);
            }
            assertThat(indexOf(content, "CANARY".getBytes(StandardCharsets.UTF_8))).as(f.toString()).isEqualTo(-1);
            assertThat(indexOf(content, key)).as(f + " holds the channel key").isEqualTo(-1);
        }
        assertThat(bytes).as("the messages are stored, just not readable").isGreaterThan(20 * 100);
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Test
    void closeWhileClientsStreamKeepsAndDeliversEverythingAcknowledged() throws Exception {
        ChatServer server = start();
        TestClient alice = login(server, device("alice"));
        TestClient bob = login(server, device("bob"));
        alice.sync();
        bob.sync();
        alice.create("log");
        alice.invite("log", "bob");
        bob.awaitSeq("log", 2);

        List<ErrorMessage> aliceErrors;
        List<ErrorMessage> bobErrors;
        try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
            List<Future<Integer>> streams = new ArrayList<>();
            for (TestClient c : List.of(alice, bob)) {
                streams.add(pool.submit(() -> {
                    int i = 0;
                    try {
                        for (; i < 5000; i++) {
                            c.say("log", c.user() + " " + i);
                        }
                    } catch (IOException closed) {
                        // the server went away mid-stream
                    }
                    return i;
                }));
            }
            if (!alice.state().awaitAckCount(100, TestClient.WAIT) || !bob.state().awaitAckCount(100, TestClient.WAIT)) {
                throw new AssertionError("the stream did not get going");
            }
            server.close();
            aliceErrors = alice.awaitClosed();
            bobErrors = bob.awaitClosed();
            alice.close();
            bob.close();
            for (Future<Integer> f : streams) {
                f.get();
            }
        }
        // Requests that arrived during shutdown may be refused; the last word is shuttingDown.
        for (List<ErrorMessage> errors : List.of(aliceErrors, bobErrors)) {
            assertThat(errors).isNotEmpty();
            assertThat(errors).extracting(ErrorMessage::code).containsOnly(ErrorCode.SHUTTING_DOWN);
            assertThat(errors.getLast().channelID()).isNull();
        }

        ChatServer again = start();
        ClientState aliceNew = device("alice");
        TestClient a = login(again, aliceNew);
        a.sync();
        List<ClientState.Received> journal = aliceNew.entries("log");
        assertThat(aliceNew.problems()).isEmpty();
        for (TestClient before : List.of(alice, bob)) {
            List<ClientState.Received> seen = before.state().entries("log");
            assertThat(seen.size()).as(before.user() + " was told everything accepted before the close")
                    .isEqualTo(journal.size());
            for (int i = 0; i < seen.size(); i++) {
                assertThat(journal.get(i).canonical()).as("entry " + (i + 1)).isEqualTo(seen.get(i).canonical());
            }
            Set<Long> stored = new HashSet<>();
            for (ClientState.Received r : journal) {
                if (r.author().equals(before.user())) {
                    assertThat(stored.add(r.userSeq())).as("stored once: " + r.userSeq()).isTrue();
                }
            }
            assertThat(stored).containsAll(before.state().acked());
        }
        assertThat(journal.getLast().headAfter()).isEqualTo(alice.state().head("log"));
    }

    @Test
    void historySurvivesARestartAndClientsResumeFromTheirCursors() throws Exception {
        ChatServer first = start();
        ClientState aliceState = device("alice");
        ClientState bobState = device("bob");
        TestClient alice = login(first, aliceState);
        TestClient bob = login(first, bobState);
        alice.sync();
        bob.sync();
        alice.create("persist");
        alice.invite("persist", "bob");
        for (int i = 0; i < 10; i++) {
            alice.say("persist", "a" + i);
        }
        alice.awaitSeq("persist", 12);
        bob.awaitSeq("persist", 12);
        bob.close();
        for (int i = 10; i < 15; i++) {
            alice.say("persist", "a" + i);
        }
        Comms last = alice.say("persist", "last before restart");
        alice.awaitAck(last);
        first.close();
        alice.awaitClosed();
        alice.close();

        ChatServer second = start(config);
        TestClient alice2 = login(second, aliceState);
        ReplayFinished rf = alice2.sync();
        assertThat(rf.userSeq()).isEqualTo(last.userSeq());
        assertThat(rf.heads().get("persist").seq()).isEqualTo(18);
        assertThat(rf.heads().get("persist").head()).isEqualTo(aliceState.head("persist"));
        assertThat(aliceState.entries("persist")).hasSize(18);

        TestClient bob2 = login(second, bobState);
        ReplayFinished bobs = bob2.sync();
        assertThat(bobState.entries("persist")).extracting(ClientState.Received::seq)
                .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, 18).boxed().toList());
        assertThat(bobState.entries("persist").subList(12, 18)).extracting(ClientState.Received::text)
                .containsExactly("a10", "a11", "a12", "a13", "a14", "last before restart");
        assertThat(bobs.heads().get("persist").head()).isEqualTo(aliceState.head("persist"));

        // The chain, the sequence numbers, the clock and the userSeqs carry on.
        Comms next = alice2.say("persist", "after restart");
        assertThat(next.userSeq()).isEqualTo(last.userSeq() + 1);
        alice2.awaitAck(next);
        bob2.awaitSeq("persist", 19);
        AddUser invite = alice2.invite("persist", "carol");
        alice2.awaitAck(invite);
        ClientState carolState = device("carol");
        TestClient carol = login(second, carolState);
        carol.sync();
        assertThat(carolState.entries("persist")).hasSize(20);
        for (int i = 0; i < 20; i++) {
            assertThat(carolState.entries("persist").get(i).canonical())
                    .isEqualTo(aliceState.entries("persist").get(i).canonical());
        }
        assertThat(carolState.head("persist")).isEqualTo(aliceState.head("persist"));
        long previous = 0;
        for (ClientState.Received r : carolState.entries("persist")) {
            long t = r.entry() instanceof Comms c ? c.stamp().timestamp() : ((AddUser) r.entry()).stamp().timestamp();
            assertThat(t).isGreaterThanOrEqualTo(previous);
            previous = t;
        }
        for (ClientState s : List.of(aliceState, bobState, carolState)) {
            assertThat(s.problems()).isEmpty();
        }
        // A userSeq used before the restart is still stale after it.
        alice2.send(last);
        assertThat(alice2.nextError(ErrorCode.STALE_USER_SEQ).lastUserSeq()).isEqualTo(invite.userSeq());
    }

    @Test
    void aSecondServerOnTheSameDataFailsOnTheLockAndTheFirstGoesOn() throws Exception {
        ChatServer first = start();
        assertThatThrownBy(() -> start(config))
                .isInstanceOf(ServerException.class)
                .hasMessageContaining("lock")
                .hasMessageContaining(config.dataDir().toString());
        TestClient alice = login(first, device("alice"));
        alice.sync();
        alice.create("still");
        alice.awaitSeq("still", 1);
        first.close();
        ChatServer second = start();
        TestClient again = login(second, alice.state());
        again.sync();
        again.say("still", "here");
        again.awaitSeq("still", 2);
    }

    @Test
    void aPortInUseOrAMissingBundleFailsToStartAndLeavesNothingLocked() throws Exception {
        ChatServer first = start();
        ServerConfig samePort = config.withDataDir(tmp.resolve("other")).withListen(first.address());
        assertThatThrownBy(() -> start(samePort))
                .isInstanceOf(ServerException.class)
                .hasMessageContaining("cannot listen on 127.0.0.1:" + first.address().getPort());
        ChatServer other = start(samePort.withListen(config.listen()));
        assertThat(other.address().getPort()).isNotEqualTo(first.address().getPort());

        ServerConfig noBundle = config.withDataDir(tmp.resolve("third"));
        ServerConfig missing = new ServerConfig(tmp.resolve("nowhere"), noBundle.dataDir(), noBundle.listen(),
                noBundle.limits(), 10, 10, noBundle.handshakeTimeout(), noBundle.idleTimeout(), 10, 10);
        assertThatThrownBy(() -> start(missing))
                .isInstanceOf(ServerException.class)
                .hasMessageContaining("cannot load the server bundle")
                .hasMessageContaining("directory.json");
        assertThat(tmp.resolve("third")).doesNotExist();
    }
}
