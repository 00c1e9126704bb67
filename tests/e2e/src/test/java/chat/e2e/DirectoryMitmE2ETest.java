package chat.e2e;

import static chat.e2e.ClientProcess.event;
import static org.assertj.core.api.Assertions.assertThat;

import chat.protocol.ChainHash;
import chat.protocol.ChannelCrypto;
import chat.protocol.ChannelEntry;
import chat.protocol.ChannelHead;
import chat.protocol.DirectoryClaim;
import chat.protocol.DirectoryGet;
import chat.protocol.DirectoryUpdate;
import chat.protocol.Entries;
import chat.protocol.Message;
import chat.protocol.MessageCodec;
import chat.protocol.ReplayFinished;
import chat.protocol.Stamp;
import chat.protocol.View;
import chat.protocol.identity.DirectoryLog;
import chat.protocol.identity.DirectoryVersion;
import chat.protocol.identity.IdentityKeys;
import chat.protocol.identity.ServerBundle;
import chat.protocol.identity.UserBundle;
import java.util.ArrayList;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server that serves a directory the admin did not sign, or an older one
 * (docs/protocol.md, "The directory log"): the server only stores and serves the log, so a
 * server whose operator (or intruder) edits the file it serves plays the malicious server
 * exactly. Clients of the built image must raise the documented alarms and keep the keys
 * they know.
 */
@Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
class DirectoryMitmE2ETest {

    private final ChatImage chat = ChatImage.fromSystemProperty();

    @TempDir
    Path tmp;

    @Test
    void aServedDirectoryThatSwapsBobsKeyIsRefusedWithKeyChanged() throws Exception {
        try (ClientFixture f = new ClientFixture(chat, tmp, "alice", "bob")) {
            Path served = f.serverDir().resolve("directory.json");
            String original = Files.readString(served);
            String bobsKey = bobsSigningKey(served);
            String mallorysKey = Base64.getEncoder().encodeToString(
                    IdentityKeys.generate("mallory").signing().publicKey().bytes());
            Files.writeString(served, original.replace(bobsKey, mallorysKey));
            f.startServer();
            ClientProcess alice = f.client("alice");
            ClientProcess.Event alarm = alice.await("an alarm about bob's key", event("alarm", "kind", "key_changed"),
                    Duration.ofSeconds(30));
            assertThat(alarm.str("message")).contains("bob").contains("admin did not sign");
            assertThat(DirectoryLog.load(f.bundle("alice").resolve("directory.json")).current().user("bob")
                    .orElseThrow().signingKey().bytes())
                    .as("alice keeps bob's real key").isEqualTo(Base64.getDecoder().decode(bobsKey));
            assertThat(f.serverLog()).as("the server warns its operator too").contains("WARNING");
        }
    }

    @Test
    void anOlderDirectoryServedAtLoginOrLaterRaisesDirectoryRollback() throws Exception {
        try (ClientFixture f = new ClientFixture(chat, tmp, "alice", "bob")) {
            Path served = f.serverDir().resolve("directory.json");
            Path version1 = tmp.resolve("directory-v1.json");
            Files.copy(served, version1);
            f.startServer();
            ClientProcess alice = f.client("alice");
            ChatImage.Result added = chat.run(List.of("user", "add", "--dir", f.keys.toString(), "--users-file", "-"),
                    "dave:pw of dave\n", Map.of());
            assertThat(added.exitCode()).as(added.toString()).isZero();
            alice.await("version 2", event("directory", "version", 2), Duration.ofSeconds(20));

            // the server goes back to version 1 while alice is connected
            serve(version1, served);
            ClientProcess.Event alarm = alice.await("a rollback alarm", event("alarm", "kind", "directory_rollback"),
                    Duration.ofSeconds(20));
            assertThat(alarm.str("message")).contains("older than version 2");
            assertThat(alice.call("w", "{\"cmd\":\"whois\",\"user\":\"dave\"}").type())
                    .as("alice still knows dave").isEqualTo("whois");

            // a client that starts with version 2 in its bundle sees the rollback at login
            alice.quit();
            ClientProcess again = f.client("alice");
            again.await("the rollback, at login", event("alarm", "kind", "directory_rollback"), Duration.ofSeconds(20));
            assertThat(DirectoryLog.load(f.bundle("alice").resolve("directory.json")).number())
                    .as("the newer version stays in alice's bundle").isEqualTo(2);
        }
    }

    @Test
    void aServerThatIsOnlyBehindTheBundleGetsTimeAndOneThatStaysBehindIsARollback() throws Exception {
        try (ClientFixture f = new ClientFixture(chat, tmp, "alice", "bob")) {
            Path served = f.serverDir().resolve("directory.json");
            Path version1 = tmp.resolve("directory-v1.json");
            Files.copy(served, version1);
            ChatImage.Result added = chat.run(List.of("user", "add", "--dir", f.keys.toString(), "--users-file", "-"),
                    "dave:pw of dave\n", Map.of());
            assertThat(added.exitCode()).as(added.toString()).isZero();
            Path version2 = tmp.resolve("directory-v2.json");
            Files.copy(served, version2);
            Files.copy(version1, served, StandardCopyOption.REPLACE_EXISTING); // the server has not got it yet
            f.startServer();

            // alice's bundle holds version 2; the server catches up a moment later: no alarm
            ClientProcess alice = f.client("alice");
            serve(version2, served);
            Thread.sleep(12_000); // past the 10 s a server gets to catch up
            assertThat(alice.events(event("alarm"))).as(alice.describe()).isEmpty();
            alice.quit();

            // alice's bundle gets version 3 (erin), which the server never loads: a rollback after the grace
            ChatImage.Result erin = chat.run(List.of("user", "add", "--dir", f.keys.toString(), "--users-file", "-"),
                    "erin:pw of erin\n", Map.of());
            assertThat(erin.exitCode()).as(erin.toString()).isZero();
            serve(version2, served);
            ClientProcess again = f.client("alice");
            ClientProcess.Event alarm = again.await("a rollback after the grace",
                    event("alarm", "kind", "directory_rollback"), Duration.ofSeconds(40));
            assertThat(alarm.str("message")).contains("older than version 3");
        }
    }

    // ------------------------------------------------------------------ split views, with a fake server

    /**
     * bob's client (a new device of the built image) against a fake server holding the
     * server's keys: it serves bob {@code served} applied to the genuine log as the
     * directory (at login and whenever asked), then #ops where alice's message names the
     * directory version {@code aliceHolds} she was shown (none if null).
     */
    private List<ClientProcess.Event> bobReads(java.util.function.UnaryOperator<List<DirectoryVersion>> served,
                                               DirectoryClaim aliceHolds, String alarmKind) throws Exception {
        try (ClientFixture f = new ClientFixture(chat, Files.createDirectories(tmp.resolve("fixture")), "alice", "bob")) {
            ServerBundle serverBundle = ServerBundle.load(f.serverDir());
            IdentityKeys alice = UserBundle.load(f.bundle("alice")).unlock(f.passwords.get("alice").toCharArray());
            IdentityKeys bob = UserBundle.load(f.bundle("bob")).unlock(f.passwords.get("bob").toCharArray());
            List<DirectoryVersion> toBob = served.apply(serverBundle.log().versions());
            byte[] key = ChannelCrypto.newChannelKey();
            List<byte[]> entries = new ArrayList<>();
            byte[][] head = {ChainHash.genesis("ops")};
            long[] clock = {1_767_225_600_000L};
            java.util.function.Consumer<ChannelEntry> add = e -> {
                byte[] bytes = CODEC.encode(e.withStamp(new Stamp(entries.size() + 1, clock[0] += 1000)));
                head[0] = ChainHash.next(head[0], bytes);
                entries.add(bytes);
            };
            add.accept(Entries.addUser(alice.signing(), "ops", 0, "alice", "alice", alice.agreement().publicKey(), key,
                    1, new View(0, head[0])));
            add.accept(Entries.addUser(alice.signing(), "ops", 0, "alice", "bob", bob.agreement().publicKey(), key, 2,
                    new View(1, head[0])));
            add.accept(Entries.comms(alice.signing(), "ops", 0, "alice", 3, new View(2, head[0]), key,
                    "which directory?", aliceHolds));
            ReplayFinished end = new ReplayFinished(0, Map.of("ops", new ChannelHead(entries.size(), head[0])));
            MitmServer.Script script = conn -> {
                conn.sendAll(entries);
                conn.send(end);
                while (true) {
                    Message m;
                    try {
                        m = conn.next();
                    } catch (AssertionError hungUp) {
                        return; // bob's client quit
                    }
                    if (m instanceof DirectoryGet) {
                        conn.send(new DirectoryUpdate(toBob)); // asked again: the same view
                    }
                }
            };
            Path device = Files.createDirectories(tmp.resolve("bob-device"));
            for (String file : List.of("directory.json", "identity.key")) {
                Files.copy(f.bundle("bob").resolve(file), device.resolve(file));
            }
            try (MitmServer fake = new MitmServer(serverBundle.keys(), serverBundle.directory(),
                    MitmServer.Step.honest(script)).serveDirectory(user -> toBob);
                 ClientProcess client = ClientProcess.start(chat, "bob", device, fake.port(), f.passwords.get("bob"))) {
                client.ready();
                client.await("a " + alarmKind + " alarm", event("alarm", "kind", alarmKind), Duration.ofSeconds(40));
                List<ClientProcess.Event> events = client.events();
                client.quit();
                return events;
            }
        }
    }

    private static String alarmText(List<ClientProcess.Event> events, String kind) {
        return events.stream().filter(event("alarm", "kind", kind)).map(e -> e.str("message")).findFirst().orElse("");
    }

    @Test
    void aMembersMessageNamingAnotherHeadOfTheSameVersionIsAFork() throws Exception {
        byte[] otherHead = new byte[32];
        java.util.Arrays.fill(otherHead, (byte) 3); // alice was shown another version 1
        List<ClientProcess.Event> events = bobReads(genuine -> genuine, new DirectoryClaim(1, otherHead),
                "directory_fork");
        ClientProcess.Event alarm = events.stream().filter(event("alarm", "kind", "directory_fork")).findFirst()
                .orElseThrow();
        assertThat(alarm.str("channel")).isEqualTo("ops");
        assertThat(alarm.num("seq")).isEqualTo(3);
        assertThat(alarm.str("message")).contains("alice").contains("different directories");
    }

    @Test
    void aMembersMessageNamingAVersionTheServerWithholdsIsAFork() throws Exception {
        byte[] someHead = new byte[32];
        java.util.Arrays.fill(someHead, (byte) 7); // alice was shown a version 2 that bob never gets
        List<ClientProcess.Event> events = bobReads(genuine -> genuine, new DirectoryClaim(2, someHead),
                "directory_fork");
        assertThat(alarmText(events, "directory_fork")).contains("withholds");
    }

    @Test
    void aVersionTheAdminDidNotSignIsAForkAndIsNotAdopted() throws Exception {
        IdentityKeys mallory = IdentityKeys.generate("mallory");
        List<ClientProcess.Event> events = bobReads(genuine -> {
            DirectoryVersion v2 = DirectoryVersion.sign(mallory, 2, genuine.get(genuine.size() - 1).head(),
                    System.currentTimeMillis(), null, new java.util.TreeMap<>(Map.of("mallory", mallory.principal())),
                    new java.util.TreeSet<>());
            List<DirectoryVersion> out = new ArrayList<>(genuine);
            out.add(v2);
            return out;
        }, null, "directory_fork");
        assertThat(alarmText(events, "directory_fork")).contains("not signed by the admin");
        assertThat(events).noneMatch(event("directory"));
    }

    private static final MessageCodec CODEC = new MessageCodec();

    /** Puts {@code version} where the server reads its directory, in one rename (as chat user add does). */
    private static void serve(Path version, Path served) throws java.io.IOException {
        Path staged = served.resolveSibling("directory.json.staged");
        Files.copy(version, staged, StandardCopyOption.REPLACE_EXISTING);
        Files.move(staged, served, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static String bobsSigningKey(Path directory) throws Exception {
        return Base64.getEncoder().encodeToString(DirectoryLog.load(directory).current().user("bob").orElseThrow()
                .signingKey().bytes());
    }
}
