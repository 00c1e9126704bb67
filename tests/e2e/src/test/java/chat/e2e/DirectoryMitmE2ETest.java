package chat.e2e;

import static chat.e2e.ClientProcess.event;
import static org.assertj.core.api.Assertions.assertThat;

import chat.protocol.identity.DirectoryLog;
import chat.protocol.identity.IdentityKeys;
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
            Path staged = f.serverDir().resolve("directory.json.staged");
            Files.copy(version1, staged);
            Files.move(staged, served, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
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

    private static String bobsSigningKey(Path directory) throws Exception {
        return Base64.getEncoder().encodeToString(DirectoryLog.load(directory).current().user("bob").orElseThrow()
                .signingKey().bytes());
    }
}
