package chat.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import chat.protocol.AddUser;
import chat.protocol.DirectoryGet;
import chat.protocol.DirectoryUpdate;
import chat.protocol.ErrorCode;
import chat.protocol.ErrorMessage;
import chat.protocol.MemberChange;
import chat.protocol.MessageCodec;
import chat.protocol.identity.DirectoryLog;
import chat.protocol.identity.DirectoryVersion;
import chat.protocol.identity.IdentityKeys;
import chat.protocol.identity.Principal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The directory log as the server serves it (docs/protocol.md, "The directory log"):
 * directoryGet, new versions picked up from directory.json while the server runs and
 * pushed before any entry that depends on them, revoked users refused and disconnected,
 * any member's removal of a revoked member, and files that are broken or rolled back.
 */
@Timeout(value = 90, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DirectoryTest {

    @TempDir
    Path tmp;

    private Bundle bundle;
    private ChatServer server;
    private final List<AutoCloseable> open = new ArrayList<>();
    private final LinkedBlockingQueue<LogRecord> logged = new LinkedBlockingQueue<>();
    /** Held so the logger (and the handler on it) is not collected. */
    private final Logger serverLog = Logger.getLogger("chat.server");
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            logged.add(r);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void start() throws Exception {
        serverLog.addHandler(capture);
        bundle = Bundle.generate(tmp.resolve("keys"), "alice", "bob", "carol", "dave");
        server = ChatServer.start(bundle.config(tmp.resolve("data")));
        open.add(server);
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
        serverLog.removeHandler(capture);
    }

    private TestClient login(String user) throws Exception {
        TestClient c = TestClient.connect(server, bundle, user);
        open.add(c);
        c.sync();
        return c;
    }

    /** Logs in asking for the directory first, as clients do: directoryGet(1), then sync. */
    private TestClient following(String user) throws Exception {
        TestClient c = TestClient.connect(server, bundle, user);
        open.add(c);
        c.send(new DirectoryGet(1));
        assertThat(numbers(c.next(DirectoryUpdate.class))).containsExactly(1L);
        c.sync();
        return c;
    }

    private static List<Long> numbers(DirectoryUpdate u) {
        return u.versions().stream().map(DirectoryVersion::number).toList();
    }

    /** The next directory message, skipping nothing else. */
    private static DirectoryUpdate nextDirectory(TestClient c) throws Exception {
        return c.next(DirectoryUpdate.class);
    }

    private String awaitLogged(java.util.logging.Level level, Predicate<String> matching) throws InterruptedException {
        long deadline = System.nanoTime() + TestClient.WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            LogRecord r = logged.poll(100, TimeUnit.MILLISECONDS);
            if (r != null && r.getLevel().equals(level)) {
                String text = r.getParameters() == null || r.getParameters().length == 0 ? r.getMessage()
                        : java.text.MessageFormat.format(r.getMessage(), r.getParameters());
                if (matching.test(text)) {
                    return text;
                }
            }
        }
        throw new AssertionError("no " + level + " log record as expected within " + TestClient.WAIT);
    }

    @Test
    void aVersionWrittenWhileTheServerRunsIsPushedBeforeTheInvitationOfTheUserItAdds() throws Exception {
        TestClient alice = following("alice");
        TestClient bob = following("bob");
        alice.create("room");
        alice.awaitAck(alice.invite("room", "bob"));
        bob.awaitSeq("room", 2);

        IdentityKeys erinKeys = bundle.addUser("erin");
        assertThat(numbers(nextDirectory(alice))).containsExactly(1L, 2L); // from the version alice held
        assertThat(nextDirectory(bob).versions().getLast().added()).containsKey("erin");
        awaitLogged(Level.INFO, t -> t.contains("directory version 2 loaded (+erin)"));

        TestClient erin = login("erin");
        AddUser invite = alice.invite("room", "erin");
        alice.awaitAck(invite);
        erin.awaitSeq("room", 3);
        bob.awaitSeq("room", 3);
        List<String> seen = bob.arrivals();
        assertThat(seen.indexOf("directory 1-2")).isGreaterThanOrEqualTo(0).isLessThan(seen.indexOf("addUser room 3"));
        erin.awaitAck(erin.say("room", "hello from erin"));
        bob.awaitSeq("room", 4);
        assertThat(bob.state().problems()).isEmpty();
        assertThat(erinKeys.principal()).isEqualTo(bundle.current().user("erin").orElseThrow());
    }

    /** Sends sync and returns what came before replayFinished: directory messages only. */
    private static List<DirectoryUpdate> syncAfterDirectories(TestClient c) throws Exception {
        c.send(new chat.protocol.Sync(c.state().cursors()));
        List<DirectoryUpdate> directories = new ArrayList<>();
        while (true) {
            Object e = c.nextEvent();
            if (e instanceof chat.protocol.ReplayFinished) {
                return directories;
            }
            assertThat(e).isInstanceOf(DirectoryUpdate.class);
            directories.add((DirectoryUpdate) e);
        }
    }

    @Test
    void aClientThatAsksForTheDirectoryThenSyncsGetsANewVersionBeforeTheReplayedEntriesThatNeedIt() throws Exception {
        TestClient alice = following("alice");
        alice.create("room");
        alice.awaitAck(alice.invite("room", "bob"));
        // bob asks for the directory, then replays; the invitation of erin may be in the
        // replay, so version 2 must come first, however the two race.
        TestClient bob = TestClient.connect(server, bundle, "bob");
        open.add(bob);
        bob.send(new DirectoryGet(1));
        bundle.addUser("erin");
        nextDirectory(alice);
        alice.awaitAck(alice.invite("room", "erin"));
        assertThat(syncAfterDirectories(bob)).isNotEmpty();
        bob.awaitSeq("room", 3);
        List<String> seen = bob.arrivals();
        int invite = seen.indexOf("addUser room 3");
        assertThat(seen.subList(0, invite)).anyMatch(a -> a.matches("directory \\d-2"));
    }

    /** Publishes {@code versions} versions of {@code users} users each (one key pair for all: cheap). */
    private void publishLarge(int versions, int users) {
        IdentityKeys shared = IdentityKeys.generate("shared");
        for (int v = 0; v < versions; v++) {
            Map<String, Principal> add = new TreeMap<>();
            for (int i = 0; i < users; i++) {
                String name = "u" + v + "x" + i;
                add.put(name, new Principal(name, shared.signing().publicKey(), shared.agreement().publicKey()));
            }
            bundle.publish(add, Set.of());
        }
    }

    /**
     * The case the writer itself must order: bob's replay was queued before the new version
     * was loaded (his writer is stuck sending a large directory to a client that does not
     * read yet), and the invitation it depends on became durable meanwhile, so the replay
     * holds it. The writer sends the new version before it replays. (Should the writer not be
     * stuck, the push comes first anyway and this passes without testing that.)
     */
    @Test
    void aReplayQueuedBeforeANewVersionStillComesAfterIt() throws Exception {
        publishLarge(10, 3000);
        awaitLogged(Level.INFO, t -> t.contains("directory version 11 loaded"));
        TestClient alice = login("alice");
        alice.create("room");
        alice.awaitAck(alice.invite("room", "bob"));
        TestClient bob = TestClient.connect(server.address(), new ClientState(bundle.user("bob"), bundle::everyone),
                bundle::everyone, 4096, false);
        open.add(bob);
        bob.send(new DirectoryGet(1)); // about 5 MB: more than the socket buffers hold
        bob.send(new chat.protocol.Sync(Map.of()));
        bundle.addUser("erin");
        awaitLogged(Level.INFO, t -> t.contains("directory version 12 loaded (+erin)"));
        alice.awaitAck(alice.invite("room", "erin"));
        bob.startReading();
        bob.awaitSeq("room", 3);
        List<String> seen = bob.arrivals();
        int invite = seen.indexOf("addUser room 3");
        assertThat(invite).isPositive();
        assertThat(seen.subList(0, invite)).anyMatch(a -> a.matches("directory \\d+-12"));
        assertThat(bob.state().problems()).isEmpty();
    }

    @Test
    void directoryGetAnswersFromTheNumberGivenInclusiveToTheNewest() throws Exception {
        bundle.addUser("erin");
        bundle.addUser("frank");
        TestClient alice = TestClient.connect(server, bundle, "alice");
        open.add(alice);
        awaitLogged(Level.INFO, t -> t.contains("directory version 3 loaded"));
        alice.send(new DirectoryGet(2));
        assertThat(numbers(nextDirectory(alice))).containsExactly(2L, 3L);
        alice.send(new DirectoryGet(0));
        assertThat(numbers(nextDirectory(alice))).containsExactly(1L, 2L, 3L);
        alice.send(new DirectoryGet(3));
        assertThat(numbers(nextDirectory(alice))).containsExactly(3L);
        alice.send(new DirectoryGet(9)); // newer than the server's: its newest, so the client sees it is behind
        DirectoryUpdate newest = nextDirectory(alice);
        assertThat(numbers(newest)).containsExactly(3L);
        assertThat(newest.versions().getFirst().sameAs(bundle.log().version(3))).isTrue();
        // Before sync, too; and a directory message from a client is not expected.
        alice.send(new DirectoryUpdate(List.of(bundle.log().version(1))));
        alice.nextError(ErrorCode.UNEXPECTED_MESSAGE);
        alice.sync();
    }

    @Test
    void aLargeLogIsSplitIntoMessagesUnderAQuarterMebibyte() throws Exception {
        publishLarge(6, 400);
        TestClient alice = TestClient.connect(server, bundle, "alice");
        open.add(alice);
        awaitLogged(Level.INFO, t -> t.contains("directory version 7 loaded"));
        alice.send(new DirectoryGet(1));
        MessageCodec codec = new MessageCodec();
        List<Long> all = new ArrayList<>();
        int messages = 0;
        while (all.isEmpty() || all.getLast() < 7) {
            DirectoryUpdate u = nextDirectory(alice);
            assertThat(codec.encode(u).length).isLessThanOrEqualTo(256 * 1024);
            all.addAll(numbers(u));
            messages++;
        }
        assertThat(all).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
        assertThat(messages).isGreaterThan(1);
    }

    @Test
    void aRevokedUserIsDisconnectedAndRefusedAtLoginAnUnknownOneIsUnknownUser() throws Exception {
        TestClient carol = login("carol");
        TestClient carolPhone = login("carol");
        TestClient alice = following("alice");
        bundle.revoke("carol");
        for (TestClient c : List.of(carol, carolPhone)) {
            List<ErrorMessage> errors = c.awaitClosed();
            assertThat(errors).hasSize(1);
            assertThat(errors.getFirst().code()).isEqualTo(ErrorCode.REVOKED);
            assertThat(errors.getFirst().message()).contains("carol's key was revoked by the admin in directory version 2");
        }
        assertThat(numbers(nextDirectory(alice))).containsExactly(1L, 2L);
        awaitLogged(Level.INFO, t -> t.contains("directory version 2 loaded (-carol)"));

        assertThatThrownBy(() -> TestClient.connect(server, bundle, "carol"))
                .isInstanceOfSatisfying(TestClient.Refused.class, r -> {
                    assertThat(r.error.code()).isEqualTo(ErrorCode.REVOKED);
                    assertThat(r.error.message()).contains("carol", "revoked", "version 2", "ask the admin");
                });
        ClientState stranger = new ClientState(IdentityKeys.generate("zed"), bundle.current());
        assertThatThrownBy(() -> TestClient.connect(server.address(), stranger, bundle.current()))
                .isInstanceOfSatisfying(TestClient.Refused.class,
                        r -> assertThat(r.error.code()).isEqualTo(ErrorCode.UNKNOWN_USER));

        // Also after a restart, from the file.
        server.close();
        server = ChatServer.start(bundle.config(tmp.resolve("data")));
        open.add(server);
        assertThatThrownBy(() -> TestClient.connect(server, bundle, "carol"))
                .isInstanceOfSatisfying(TestClient.Refused.class,
                        r -> assertThat(r.error.code()).isEqualTo(ErrorCode.REVOKED));
        login("alice");
    }

    @Test
    void aUserWhoseKeyIsReplacedIsDisconnectedAndLogsInWithTheNewKey() throws Exception {
        TestClient bob = login("bob");
        IdentityKeys newKeys = IdentityKeys.generate("bob");
        IdentityKeys oldKeys = bundle.keys.put("bob", newKeys);
        bundle.publish(Map.of("bob", newKeys.principal()), Set.of("bob")); // revoke the old key, add the new one
        List<ErrorMessage> errors = bob.awaitClosed();
        assertThat(errors).extracting(ErrorMessage::code).containsExactly(ErrorCode.REVOKED);
        assertThat(errors.getFirst().message()).contains("bob's key was replaced by the admin in directory version 2");
        ClientState old = new ClientState(oldKeys, bundle.current());
        assertThatThrownBy(() -> TestClient.connect(server.address(), old, bundle.current()))
                .isInstanceOfSatisfying(TestClient.Refused.class,
                        r -> assertThat(r.error.code()).isEqualTo(ErrorCode.HANDSHAKE_FAILED));
        login("bob").create("bobs");
    }

    @Test
    void anyMemberMayRemoveARevokedMemberOnlyAnAdminAnyOther() throws Exception {
        TestClient alice = following("alice");
        TestClient bob = following("bob");
        TestClient carol = login("carol");
        TestClient dave = login("dave");
        alice.create("room");
        for (String invitee : List.of("bob", "carol", "dave")) {
            alice.awaitAck(alice.invite("room", invitee));
        }
        bob.awaitSeq("room", 4);
        MemberChange early = bob.member("room", "carol", MemberChange.Change.REMOVE);
        bob.send(early);
        assertThat(bob.nextError(ErrorCode.NOT_ADMIN).userSeq()).isEqualTo(early.userSeq());

        bundle.revoke("carol");
        assertThat(nextDirectory(bob).versions().getLast().revoked()).containsExactly("carol");
        assertThat(carol.awaitClosed().getFirst().code()).isEqualTo(ErrorCode.REVOKED);
        nextDirectory(alice);
        bob.awaitAck(bob.remove("room", "carol")); // bob is not an admin of room
        MemberChange notRevoked = bob.member("room", "dave", MemberChange.Change.REMOVE);
        bob.send(notRevoked);
        assertThat(bob.nextError(ErrorCode.NOT_ADMIN).userSeq()).isEqualTo(notRevoked.userSeq());
        alice.awaitSeq("room", 5);
        MemberChange second = alice.member("room", "carol", MemberChange.Change.REMOVE); // the first one won
        alice.send(second);
        assertThat(alice.nextError(ErrorCode.BAD_SUBJECT).userSeq()).isEqualTo(second.userSeq());
        alice.awaitAck(alice.rotate("room", "alice", "bob", "dave"));
        alice.invite("room", "carol");
        assertThat(alice.nextError(ErrorCode.UNKNOWN_INVITEE).message()).contains("carol", "revoked");
        dave.awaitSeq("room", 6);
        for (TestClient c : List.of(alice, bob, dave)) {
            assertThat(c.state().problems()).isEmpty();
        }
    }

    @Test
    void aBrokenDirectoryFileKeepsTheOldLogAndTheServerGoesOn() throws Exception {
        TestClient alice = following("alice");
        Path file = bundle.serverDirectoryFile();
        byte[] whole = Files.readAllBytes(file);
        Files.writeString(file, "{\"format\":\"chat-directory\",\"version\":2,\"lo", StandardCharsets.UTF_8);
        awaitLogged(Level.WARNING, t -> t.contains("still serving directory version 1"));
        Files.write(file, java.util.Arrays.copyOf(whole, whole.length / 2)); // half-written
        awaitLogged(Level.WARNING, t -> t.contains("still serving directory version 1"));
        alice.send(new DirectoryGet(1));
        assertThat(numbers(nextDirectory(alice))).containsExactly(1L);
        login("bob");
        assertThat(alice.noEvents()).isTrue();

        bundle.addUser("erin"); // a whole file again
        assertThat(numbers(nextDirectory(alice))).containsExactly(1L, 2L);
        login("erin");
    }

    @Test
    void aRolledBackFileIsServedWithAWarningSoClientsSeeTheOlderNewest() throws Exception {
        TestClient alice = following("alice");
        DirectoryLog v1 = bundle.log();
        bundle.addUser("erin");
        assertThat(numbers(nextDirectory(alice))).containsExactly(1L, 2L);
        bundle.addUser("frank");
        assertThat(numbers(nextDirectory(alice))).containsExactly(2L, 3L);

        bundle.writeServerLog(v1);
        assertThat(numbers(nextDirectory(alice))).containsExactly(1L);
        awaitLogged(Level.WARNING, t -> t.contains("rolled back from version 3 to 1"));
        alice.send(new DirectoryGet(3));
        assertThat(numbers(nextDirectory(alice))).containsExactly(1L);
        assertThatThrownBy(() -> TestClient.connect(server, bundle, "erin"))
                .isInstanceOfSatisfying(TestClient.Refused.class,
                        r -> assertThat(r.error.code()).isEqualTo(ErrorCode.UNKNOWN_USER));

        bundle.writeServerLog(bundle.log()); // the backup put back
        assertThat(numbers(nextDirectory(alice))).containsExactly(1L, 2L, 3L);
        login("erin");
    }

    @Test
    void aLogThatDoesNotVerifyIsServedWithAWarning() throws Exception {
        TestClient alice = following("alice");
        DirectoryLog log = bundle.log();
        IdentityKeys mallory = IdentityKeys.generate("mallory");
        DirectoryVersion forged = DirectoryVersion.sign(mallory, 2, log.head(), System.currentTimeMillis(), null,
                new TreeMap<>(Map.of("mallory", mallory.principal())), new java.util.TreeSet<>());
        List<chat.protocol.json.JsonValue> versions = new ArrayList<>();
        versions.add(log.version(1).toJson());
        versions.add(forged.toJson());
        byte[] json = chat.protocol.json.ObjectBuilder.create().put("format", "chat-directory").put("version", 2)
                .put("log", new chat.protocol.json.JsonValue.JsonArray(versions)).canonical();
        Path next = bundle.serverDir().resolve("directory.json.new");
        Files.write(next, json);
        Files.move(next, bundle.serverDirectoryFile(), java.nio.file.StandardCopyOption.ATOMIC_MOVE);

        DirectoryUpdate served = nextDirectory(alice);
        assertThat(numbers(served)).containsExactly(1L, 2L);
        assertThat(served.versions().getLast().sameAs(forged)).isTrue();
        awaitLogged(Level.WARNING, t -> t.contains("does not verify") && t.contains("version 2"));
    }
}
