package chat.e2e;

import static chat.e2e.ClientProcess.event;
import static org.assertj.core.api.Assertions.assertThat;

import chat.protocol.AddUser;
import chat.protocol.Message;
import chat.protocol.MessageCodec;
import chat.protocol.ReplayFinished;
import chat.protocol.Stamp;
import chat.protocol.identity.ServerBundle;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Findings of the attack review of the built image (issue "Hardening"), each replayed
 * against the image: a malicious server announcing an impossible userSeq, an address that
 * does not speak the chat protocol, a bundle from another deployment.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class HardeningE2ETest {

    private final ChatImage chat = ChatImage.fromSystemProperty();

    @TempDir
    Path tmp;

    /** Finding 5: a server that announces userSeq 2^53-1 once must not break the client's sending. */
    @Test
    void anImpossibleLastUserSeqFromTheServerIsAnAlarmAndSendingGoesOn() throws Exception {
        try (ClientFixture f = new ClientFixture(chat, tmp, "alice")) {
            ServerBundle serverBundle = ServerBundle.load(f.serverDir());
            CompletableFuture<Message> firstCommand = new CompletableFuture<>();
            MitmServer.Script script = conn -> {
                conn.send(new ReplayFinished(MessageCodec.MAX_SEQ, Map.of()));
                Message command = conn.next();
                firstCommand.complete(command);
                if (command instanceof AddUser create) {
                    conn.send(create.withStamp(new Stamp(1, System.currentTimeMillis()))); // the echo
                }
                conn.awaitHangUp();
            };
            try (MitmServer fake = new MitmServer(serverBundle.keys(), serverBundle.directory(),
                    MitmServer.Step.honest(script));
                 ClientProcess alice = ClientProcess.start(chat, "alice", f.bundle("alice"), fake.port(),
                         f.passwords.get("alice"))) {
                alice.ready();
                ClientProcess.Event alarm = alice.await("an alarm about the userSeq",
                        event("alarm", "kind", "bad_user_seq"));
                assertThat(alarm.str("message")).contains("no room");
                alice.send("{\"cmd\":\"create\",\"channel\":\"ops\",\"id\":1}");
                Message sent = firstCommand.get(30, TimeUnit.SECONDS);
                assertThat(sent).isInstanceOf(AddUser.class);
                assertThat(((AddUser) sent).userSeq()).as("signed with the client's own counter").isEqualTo(1);
                alice.await("the acknowledgement", event("ok", "id", 1));
                assertThat(alice.quit()).as("the client exits normally\n" + alice.describe()).isZero();
            }
        }
    }

    /** Finding 11: an address that is not a chat server is named as such, not as a frame size. */
    @Test
    void anAddressThatDoesNotSpeakTheChatProtocolIsSaidSo() throws Exception {
        try (ClientFixture f = new ClientFixture(chat, tmp, "alice");
             ServerSocket http = new ServerSocket(0, 4, InetAddress.getLoopbackAddress())) {
            Thread.ofPlatform().daemon().start(() -> {
                while (!http.isClosed()) {
                    try (Socket s = http.accept()) {
                        InputStream in = s.getInputStream();
                        in.read(new byte[4096]);
                        OutputStream out = s.getOutputStream();
                        out.write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            ClientProcess c = ClientProcess.start(chat, "alice", f.bundle("alice"), http.getLocalPort(),
                    f.passwords.get("alice"));
            int exit = c.waitForExit(Duration.ofSeconds(60));
            assertThat(c.stderr()).contains("does not speak the chat protocol").doesNotContain("bytes exceeds");
            assertThat(exit).isNotZero();
        }
    }

    /** Finding 11: a user folder from another generate gets the documented server-key sentence and exit 3. */
    @Test
    void aBundleFromAnotherDeploymentIsTheServerKeySentenceAndExit3() throws Exception {
        try (ClientFixture ours = new ClientFixture(chat, Files.createDirectories(tmp.resolve("ours")), "alice");
             ClientFixture theirs = new ClientFixture(chat, Files.createDirectories(tmp.resolve("theirs")), "alice")) {
            ours.startServer();
            ClientProcess c = ClientProcess.start(chat, "alice", theirs.bundle("alice"), ours.port(),
                    theirs.passwords.get("alice"));
            assertThat(c.waitForExit(Duration.ofSeconds(60))).isEqualTo(3);
            assertThat(c.stderr()).contains("did not prove the server key");
        }
    }

    /**
     * Finding 2: a flipped bit in the middle of the journal no longer deletes every later
     * entry at the next start: the server refuses to start, names the place and the repair,
     * and deletes nothing; {@code --repair-journal} moves the rest aside and starts.
     */
    @Test
    void damageInTheMiddleOfTheJournalStopsTheStartUntilARepairIsAskedFor() throws Exception {
        try (ClientFixture f = new ClientFixture(chat, tmp, "alice")) {
            f.startServer();
            ClientProcess alice = f.client("alice");
            alice.ok("c", "{\"cmd\":\"create\",\"channel\":\"log\"}");
            for (int i = 0; i < 40; i++) {
                alice.ok("m" + i, "{\"cmd\":\"send\",\"channel\":\"log\",\"text\":\"entry " + i + "\"}");
            }
            alice.quit();
            f.stopServer();
            Path data = f.serverDir().resolve("data");
            Files.deleteIfExists(data.resolve("checkpoint")); // as after a crash before the next checkpoint
            Path segment;
            try (var files = Files.list(data.resolve("journal"))) {
                segment = files.filter(p -> p.toString().endsWith(".seg")).sorted().findFirst().orElseThrow();
            }
            byte[] raw = Files.readAllBytes(segment);
            // a byte inside the body of the record in the middle (docs/storage.md: a 16-byte
            // segment header, then records of u32 length, u32 CRC32C, body)
            int at = 16;
            while (true) {
                int length = java.nio.ByteBuffer.wrap(raw, at, 4).getInt();
                if (at + 8 + length >= raw.length / 2) {
                    raw[at + 8 + length / 2] ^= 0x04;
                    break;
                }
                at += 8 + length;
            }
            Files.write(segment, raw);

            ChatImage.Result refused = chat.run(List.of("server", "--dir", f.serverDir().toString(), "--listen",
                    "127.0.0.1:0"), null, Map.of());
            assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(1);
            assertThat(refused.stderr()).contains("damaged in the middle").contains(segment.getFileName().toString())
                    .contains("Nothing was deleted").contains("--repair-journal");
            assertThat(Files.readAllBytes(segment)).as("nothing deleted").isEqualTo(raw);

            ServerProcess repaired = ServerProcess.start(chat, f.serverDir(), data, "--repair-journal");
            repaired.close();
            try (var files = Files.list(data)) {
                assertThat(files.map(p -> p.getFileName().toString())).anyMatch(n -> n.startsWith("damaged-"));
            }
        }
    }

    /**
     * Finding 6 (storage): one member cannot fill the disk. With {@code --max-storage-per-user}
     * the flooder's messages are refused ({@code storageFull}, a sentence naming the limit),
     * nobody else's are, and the count is the journal's: after a restart she is refused at once.
     */
    @Test
    void aStorageQuotaRefusesTheFloodersMessagesAndNobodyElses() throws Exception {
        try (ClientFixture f = new ClientFixture(chat, tmp, "alice", "bob")) {
            f.startServer("--max-storage-per-user", "20K");
            ClientProcess alice = f.client("alice");
            ClientProcess bob = f.client("bob");
            alice.ok("c", "{\"cmd\":\"create\",\"channel\":\"ops\"}");
            alice.ok("i", "{\"cmd\":\"invite\",\"channel\":\"ops\",\"user\":\"bob\"}");
            String big = "x".repeat(2000);
            ClientProcess.Event refused = null;
            int stored = 0;
            for (; stored < 100 && refused == null; stored++) {
                ClientProcess.Event answer = alice.call("m" + stored,
                        "{\"cmd\":\"send\",\"channel\":\"ops\",\"text\":\"" + big + stored + "\"}");
                if ("error".equals(answer.type())) {
                    refused = answer;
                }
            }
            assertThat(refused).as("a refusal within 100 messages of 2 KB").isNotNull();
            assertThat(stored).as("about 20 KiB of 2 KB messages").isBetween(5, 11);
            assertThat(refused.str("code")).isEqualTo("storageFull");
            assertThat(refused.str("message")).contains("--max-storage-per-user");
            bob.ok("b", "{\"cmd\":\"send\",\"channel\":\"ops\",\"text\":\"" + big + "\"}");

            f.stopServer();
            f.startServer("--max-storage-per-user", "20K");
            ClientProcess.Event again = alice.call("again",
                    "{\"cmd\":\"send\",\"channel\":\"ops\",\"text\":\"" + big + "\"}");
            assertThat(again.type()).as(again.line()).isEqualTo("error");
            assertThat(again.str("code")).isEqualTo("storageFull");
            alice.ok("leave", "{\"cmd\":\"leave\",\"channel\":\"ops\"}"); // never refused by a quota
        }
    }

    /**
     * Daily use (issue 13, item 10): a server that accepts the connection and never answers
     * used to show nothing for a minute. The client now says how far the login has come: it
     * is connected and waiting for the server, well before it gives up.
     */
    @Test
    void aSilentServerShowsAsConnectedAndWaitingNotAsNothing() throws Exception {
        try (ClientFixture f = new ClientFixture(chat, tmp, "alice");
             java.net.ServerSocket silent = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            List<Socket> held = new java.util.concurrent.CopyOnWriteArrayList<>();
            Thread.ofVirtual().start(() -> {
                try {
                    while (true) {
                        held.add(silent.accept()); // and never a word
                    }
                } catch (java.io.IOException closed) {
                    // the test is over
                }
            });
            ProcessBuilder pb = chat.command(List.of("client", "--dir", f.bundle("alice").toString(), "--server",
                    "127.0.0.1:" + silent.getLocalPort(), "--frontend", "json"));
            pb.environment().put("CHAT_PASSWORD", f.passwords.get("alice"));
            try (ClientProcess alice = ClientProcess.start("alice", pb)) {
                alice.await("connecting", event("connection", "state", "connecting"), Duration.ofSeconds(30));
                ClientProcess.Event waiting = alice.await("waiting for the server",
                        event("connection", "state", "loggingIn"), Duration.ofSeconds(30));
                assertThat(waiting.str("server")).isEqualTo("127.0.0.1:" + silent.getLocalPort());
                assertThat(alice.events(event("ready"))).isEmpty();
            }
            for (Socket s : held) {
                s.close();
            }
        }
    }

    /** Finding 10: a private key file others can read is worth a warning, as ssh gives. */
    @Test
    void keyFilesReadableByOthersAreWarnedAbout() throws Exception {
        try (ClientFixture f = new ClientFixture(chat, tmp, "alice")) {
            Path key = f.bundle("alice").resolve("identity.key");
            Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            ClientProcess c = ClientProcess.start(chat, "alice", f.bundle("alice"), 1, f.passwords.get("alice"));
            c.waitForExit(Duration.ofSeconds(60));
            assertThat(c.stderr()).contains("warning: " + key).contains("chmod 600");
        }
    }

    /**
     * Finding 1: with {@code ulimit -n 768} and the default --max-connections (16384), idle
     * connections must not take the descriptors the journal needs: the server clamps its
     * connections (and says so), and a channel created during the flood is stored.
     */
    @Test
    void connectionsAreClampedToTheDescriptorLimitAndTheStoreKeepsWorkingDuringAFlood() throws Exception {
        try (ClientFixture f = new ClientFixture(chat, tmp, "alice")) {
            ProcessBuilder pb = new ProcessBuilder("bash", "-c", "ulimit -n 768 && exec \"$0\" \"$@\"",
                    chat.launcher().toString(), "server", "--dir", f.serverDir().toString(), "--listen", "127.0.0.1:0");
            Process server = pb.start();
            ChatImage.Pump err = new ChatImage.Pump(server.getErrorStream());
            err.start();
            List<Socket> flood = new java.util.ArrayList<>();
            try (var out = new java.io.BufferedReader(new java.io.InputStreamReader(server.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line = out.readLine();
                assertThat(line).as(err.text()).startsWith("listening on 127.0.0.1:");
                int port = Integer.parseInt(line.substring(line.lastIndexOf(':') + 1).trim());
                long until = System.nanoTime() + 10_000_000_000L;
                while (!err.text().contains("serving at most") && System.nanoTime() < until) {
                    Thread.sleep(50); // stderr is read by another thread
                }
                assertThat(err.text()).contains("open-file limit of this process is 768")
                        .contains("serving at most 512 connections");
                ClientProcess alice = ClientProcess.start(chat, "alice", f.bundle("alice"), port,
                        f.passwords.get("alice")).ready();
                for (int i = 0; i < 700; i++) { // more than fit: the rest are refused, not accepted into the store's reserve
                    try {
                        flood.add(new Socket(InetAddress.getLoopbackAddress(), port));
                    } catch (IOException e) {
                        break;
                    }
                }
                alice.ok("c", "{\"cmd\":\"create\",\"channel\":\"during-the-flood\"}");
                alice.ok("m", "{\"cmd\":\"send\",\"channel\":\"during-the-flood\",\"text\":\"stored\"}");
                assertThat(server.isAlive()).as("the server is up\n" + err.text()).isTrue();
                alice.quit();
            } finally {
                for (Socket s : flood) {
                    s.close();
                }
                server.destroy();
                assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();
            }
            assertThat(server.exitValue()).as(err.text()).isZero();
        }
    }
}
