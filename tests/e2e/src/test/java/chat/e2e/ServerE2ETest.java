package chat.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import chat.protocol.Comms;
import chat.protocol.ErrorCode;
import chat.protocol.ErrorMessage;
import chat.protocol.ReplayFinished;
import chat.protocol.identity.Directory;
import chat.protocol.identity.IdentityKeys;
import chat.protocol.identity.UserBundle;
import chat.server.ClientState;
import chat.server.TestClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code chat server} from the built image, driven by real clients over 127.0.0.1: a
 * SIGKILL in the middle of a stream loses nothing acknowledged, a SIGTERM shuts down
 * cleanly, and bad usage is refused with the documented exit codes.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ServerE2ETest {

    private static final ChatImage CHAT = ChatImage.fromSystemProperty();
    private static final List<String> USERS = List.of("alice", "bob", "carol");

    @TempDir
    static Path keysRoot;

    private static Path keys;
    private static Directory directory;
    private static final Map<String, IdentityKeys> IDENTITIES = new HashMap<>();

    @TempDir
    Path tmp;

    @BeforeAll
    static void generate() throws Exception {
        keys = keysRoot.resolve("keys");
        StringBuilder users = new StringBuilder();
        for (String u : USERS) {
            users.append(u).append(":pass-").append(u).append('\n');
        }
        ChatImage.Result r = CHAT.run(List.of("generate", "--dir", keys.toString(), "--users-file", "-"),
                users.toString(), Map.of());
        assertThat(r.exitCode()).as(r.toString()).isZero();
        for (String u : USERS) {
            UserBundle bundle = UserBundle.load(keys.resolve("users").resolve(u));
            IDENTITIES.put(u, bundle.unlock(("pass-" + u).toCharArray()));
            directory = bundle.directory();
        }
    }

    private static Path serverDir() {
        return keys.resolve("server");
    }

    private static ClientState device(String user) {
        return new ClientState(IDENTITIES.get(user), directory);
    }

    private static TestClient login(ServerProcess server, ClientState state, List<AutoCloseable> open)
            throws Exception {
        TestClient c = TestClient.connect(server.address(), state, directory);
        open.add(c);
        return c;
    }

    /**
     * Each client sends until its connection breaks (or a bound), keeping at most 64 messages
     * unacknowledged so the clients' backlog stays small; returns how many each sent.
     */
    private static List<Future<Integer>> stream(ExecutorService pool, List<TestClient> clients, String channel) {
        int window = 64;
        List<Future<Integer>> out = new ArrayList<>();
        for (TestClient c : clients) {
            out.add(pool.submit(() -> {
                List<Long> sent = new ArrayList<>();
                try {
                    for (int i = 0; i < 20_000; i++) {
                        if (i >= window) {
                            long waitFor = sent.get(i - window);
                            while (!c.state().awaitAck(waitFor, Duration.ofMillis(100))) {
                                if (c.isClosed()) {
                                    return i;
                                }
                            }
                        }
                        sent.add(c.say(channel, c.user() + " " + i).userSeq());
                    }
                } catch (IOException broken) {
                    // the server went away
                }
                return sent.size();
            }));
        }
        return out;
    }

    private static void awaitAcks(List<TestClient> clients, int n) throws InterruptedException {
        for (TestClient c : clients) {
            if (!c.state().awaitAckCount(n, TestClient.WAIT)) {
                throw new AssertionError(c.user() + " did not get " + n + " acknowledgements");
            }
        }
    }

    /**
     * Checks the journal as replayed from 0 against what each client saw before: what a
     * client received (acknowledged or not) is a prefix of the journal, byte for byte, so
     * its chain heads agree; each author's messages are there once each, in the order sent,
     * without gaps; everything acknowledged is there.
     */
    private static void assertJournalHolds(List<ClientState.Received> journal, List<TestClient> before,
                                           String channel) {
        for (TestClient c : before) {
            List<ClientState.Received> seen = c.state().entries(channel);
            assertThat(seen.size()).as(c.user() + " saw no more than the journal holds").isLessThanOrEqualTo(journal.size());
            for (int i = 0; i < seen.size(); i++) {
                assertThat(journal.get(i).canonical()).as(c.user() + ": entry " + (i + 1)).isEqualTo(seen.get(i).canonical());
            }
            if (!seen.isEmpty()) {
                assertThat(journal.get(seen.size() - 1).headAfter()).isEqualTo(c.state().head(channel));
            }
            Set<Long> stored = new HashSet<>();
            List<String> texts = new ArrayList<>();
            for (ClientState.Received r : journal) {
                if (r.author().equals(c.user())) {
                    assertThat(stored.add(r.userSeq())).as(c.user() + " userSeq " + r.userSeq() + " stored once").isTrue();
                    if (r.entry() instanceof Comms) {
                        texts.add(r.text());
                    }
                }
            }
            assertThat(stored).as(c.user() + ": everything acknowledged survived").containsAll(c.state().acked());
            List<String> prefix = java.util.stream.IntStream.range(0, texts.size()).mapToObj(i -> c.user() + " " + i).toList();
            assertThat(texts).as(c.user() + ": in the order sent, once each, no gaps").containsExactlyElementsOf(prefix);
        }
    }

    @Test
    void sigkillInTheMiddleOfAStreamLosesNothingAcknowledgedAndDuplicatesNothing() throws Exception {
        Path data = tmp.resolve("data");
        List<AutoCloseable> open = new ArrayList<>();
        List<TestClient> clients = new ArrayList<>();
        try (ServerProcess server = ServerProcess.start(CHAT, serverDir(), data)) {
            for (String u : USERS) {
                TestClient c = login(server, device(u), open);
                c.sync();
                clients.add(c);
            }
            TestClient alice = clients.getFirst();
            alice.create("crash");
            alice.invite("crash", "bob");
            alice.invite("crash", "carol");
            for (TestClient c : clients) {
                c.awaitSeq("crash", 3);
            }
            try (ExecutorService pool = Executors.newFixedThreadPool(clients.size())) {
                List<Future<Integer>> sending = stream(pool, clients, "crash");
                awaitAcks(clients, 200);
                server.kill();
                for (TestClient c : clients) {
                    c.awaitClosed();
                }
                for (Future<Integer> f : sending) {
                    assertThat(f.get()).isLessThan(20_000);
                }
            }
        }

        try (ServerProcess again = ServerProcess.start(CHAT, serverDir(), data)) {
            assertThat(again.stderr()).doesNotContain("SEVERE", "Exception");
            ClientState fresh = device("carol");
            TestClient carol = login(again, fresh, open);
            carol.sync();
            List<ClientState.Received> journal = fresh.entries("crash");
            assertThat(fresh.problems()).as("contiguous channelSeq, valid signatures, canonical entries").isEmpty();
            assertJournalHolds(journal, clients, "crash");

            // The old devices resume from their cursors and end up exactly where the journal is.
            for (TestClient old : clients) {
                TestClient resumed = login(again, old.state(), open);
                ReplayFinished rf = resumed.sync();
                assertThat(old.state().problems()).isEmpty();
                assertThat(old.state().entries("crash").subList(0, journal.size()))
                        .extracting(ClientState.Received::headAfter)
                        .containsExactlyElementsOf(journal.stream().map(ClientState.Received::headAfter).toList());
                assertThat(rf.heads().get("crash").seq()).isEqualTo(old.state().seq("crash"));
                assertThat(rf.heads().get("crash").head()).isEqualTo(old.state().head("crash"));
                assertThat(rf.userSeq()).as("the last userSeq the server has of " + old.user())
                        .isGreaterThanOrEqualTo(old.state().acked().stream().mapToLong(Long::longValue).max().orElseThrow());
                Comms next = resumed.say("crash", "after the crash from " + old.user());
                resumed.awaitAck(next);
            }
        } finally {
            for (AutoCloseable c : open) {
                c.close();
            }
        }
    }

    @Test
    void sigtermShutsDownCleanlyTellsTheClientsAndKeepsEverything() throws Exception {
        Path data = tmp.resolve("data");
        List<AutoCloseable> open = new ArrayList<>();
        List<TestClient> clients = new ArrayList<>();
        try (ServerProcess server = ServerProcess.start(CHAT, serverDir(), data)) {
            for (String u : List.of("alice", "bob")) {
                TestClient c = login(server, device(u), open);
                c.sync();
                clients.add(c);
            }
            clients.get(0).create("term");
            clients.get(0).invite("term", "bob");
            clients.get(1).awaitSeq("term", 2);
            try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
                List<Future<Integer>> sending = stream(pool, clients, "term");
                awaitAcks(clients, 100);
                server.terminate();
                assertThat(server.awaitExit(Duration.ofSeconds(30))).as(server.stderr()).isZero();
                for (TestClient c : clients) {
                    List<ErrorMessage> errors = c.awaitClosed();
                    assertThat(errors).as(c.user()).extracting(ErrorMessage::code).containsOnly(ErrorCode.SHUTTING_DOWN);
                    assertThat(errors).as(c.user() + ": told why the connection ends").isNotEmpty();
                    assertThat(errors.getLast().channelID()).isNull();
                }
                for (Future<Integer> f : sending) {
                    f.get();
                }
            }
            assertThat(server.stderr()).contains("shutting down", "stopped");
        }

        try (ServerProcess again = ServerProcess.start(CHAT, serverDir(), data)) {
            ClientState fresh = device("alice");
            TestClient alice = login(again, fresh, open);
            ReplayFinished rf = alice.sync();
            List<ClientState.Received> journal = fresh.entries("term");
            assertThat(fresh.problems()).isEmpty();
            assertJournalHolds(journal, clients, "term");
            for (TestClient c : clients) {
                assertThat(c.state().seq("term")).as(c.user() + " was sent everything accepted before the shutdown")
                        .isEqualTo(journal.size());
            }
            assertThat(rf.userSeq()).isEqualTo(clients.getFirst().state().acked().stream().mapToLong(Long::longValue).max()
                    .orElseThrow());
        } finally {
            for (AutoCloseable c : open) {
                c.close();
            }
        }
    }

    @Test
    void aSecondServerOnTheSameDataExitsOneBecauseTheDataIsInUse() throws Exception {
        Path data = tmp.resolve("data");
        try (ServerProcess first = ServerProcess.start(CHAT, serverDir(), data)) {
            ChatImage.Result second = CHAT.run("server", "--dir", serverDir().toString(), "--data", data.toString(),
                    "--listen", "127.0.0.1:0");
            assertThat(second.exitCode()).as(second.toString()).isEqualTo(1);
            assertThat(second.stderr()).contains("in use by another server", "lock");
            // The first one is unaffected.
            List<AutoCloseable> open = new ArrayList<>();
            try {
                TestClient alice = login(first, device("alice"), open);
                alice.sync();
                alice.create("solo");
                alice.awaitSeq("solo", 1);
            } finally {
                for (AutoCloseable c : open) {
                    c.close();
                }
            }
        }
    }

    @Test
    void badUsageIsRefusedWithTheDocumentedExitCodes() throws Exception {
        ChatImage.Result noDir = CHAT.run("server", "--listen", "127.0.0.1:0");
        assertThat(noDir.exitCode()).as(noDir.toString()).isEqualTo(2);
        assertThat(noDir.stderr()).contains("--dir");

        ChatImage.Result missing = CHAT.run("server", "--dir", tmp.resolve("nowhere").toString(), "--listen", "127.0.0.1:0");
        assertThat(missing.exitCode()).as(missing.toString()).isEqualTo(1);
        assertThat(missing.stderr()).contains("nowhere", "does not exist");

        Path empty = Files.createDirectory(tmp.resolve("empty"));
        ChatImage.Result notABundle = CHAT.run("server", "--dir", empty.toString(), "--listen", "127.0.0.1:0");
        assertThat(notABundle.exitCode()).as(notABundle.toString()).isEqualTo(1);
        assertThat(notABundle.stderr()).contains("cannot load the server bundle", "directory.json");

        ChatImage.Result nonsense = CHAT.run("server", "--dir", serverDir().toString(), "--listen", "nonsense");
        assertThat(nonsense.exitCode()).as(nonsense.toString()).isEqualTo(2);
        assertThat(nonsense.stderr()).contains("--listen", "HOST:PORT");

        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            ChatImage.Result inUse = CHAT.run("server", "--dir", serverDir().toString(), "--data",
                    tmp.resolve("data").toString(), "--listen", "127.0.0.1:" + taken.getLocalPort());
            assertThat(inUse.exitCode()).as(inUse.toString()).isEqualTo(1);
            assertThat(inUse.stderr()).contains("cannot listen on 127.0.0.1:" + taken.getLocalPort(), "--listen");
        }
        ChatImage.Result level = CHAT.run("server", "--dir", serverDir().toString(), "--log-level", "verbose");
        assertThat(level.exitCode()).as(level.toString()).isEqualTo(2);
        assertThat(level.stderr()).contains("'VERBOSE'", "SEVERE (or error), WARNING (or warn), INFO, FINE (or debug)");
        ChatImage.Result debug = CHAT.run("server", "--dir", serverDir().toString(), "--log-level", "debug", "--check",
                "--data", tmp.resolve("data").toString(), "--listen", "127.0.0.1:0");
        assertThat(debug.exitCode()).as("debug is FINE: " + debug).isZero();
        ChatImage.Result frame = CHAT.run("server", "--dir", serverDir().toString(), "--max-frame-bytes", "99999999");
        assertThat(frame.exitCode()).as(frame.toString()).isEqualTo(2);
        assertThat(frame.stderr()).contains("--max-frame-bytes", "1024 to 2097152").doesNotContain("maxFrameBytes");
        ChatImage.Result size = CHAT.run("server", "--dir", serverDir().toString(), "--max-storage-per-user", "12X");
        assertThat(size.exitCode()).as(size.toString()).isEqualTo(2);
        assertThat(size.stderr()).contains("--max-storage-per-user", "'12X' is not a size");
        // The failed start released its data folder.
        try (ServerProcess after = ServerProcess.start(CHAT, serverDir(), tmp.resolve("data"))) {
            assertThat(after.address().getPort()).isPositive();
        }
    }
}
