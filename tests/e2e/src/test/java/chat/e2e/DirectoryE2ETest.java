package chat.e2e;

import static chat.e2e.ClientProcess.event;
import static org.assertj.core.api.Assertions.assertThat;

import chat.protocol.identity.DirectoryLog;
import chat.protocol.identity.UserBundle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Users that change, from the built image as an admin and a script use it (issue "Users
 * that change"): a user added to a running deployment can be invited within seconds by a
 * running client; a user who made their own key is admitted without the admin ever
 * holding it; a revoked user cannot log in and leaves every channel; a password change
 * keeps the key and refuses the old password.
 */
@Timeout(value = 6, unit = java.util.concurrent.TimeUnit.MINUTES)
class DirectoryE2ETest {

    private final ChatImage chat = ChatImage.fromSystemProperty();

    @TempDir
    Path tmp;

    private static String cmd(String name, String channel, String field, String value) {
        return "{\"cmd\":\"" + name + "\",\"channel\":\"" + channel + "\",\"" + field + "\":\"" + value + "\"}";
    }

    private ChatImage.Result run(String stdin, String... args) {
        return chat.run(List.of(args), stdin, Map.of());
    }

    @Test
    void usersAreAddedAdmittedRevokedAndChangeTheirPasswordsWhileEverythingRuns() throws Exception {
        try (ClientFixture f = new ClientFixture(chat, tmp, "alice", "bob")) {
            Path keys = f.keys;
            assertThat(DirectoryLog.load(keys.resolve("directory.json")).number()).isEqualTo(1);
            f.startServer();
            ClientProcess alice = f.client("alice");
            ClientProcess bob = f.client("bob");
            alice.ok("c", "{\"cmd\":\"create\",\"channel\":\"team\"}");
            alice.ok("i1", cmd("invite", "team", "user", "bob"));
            alice.ok("m1", cmd("send", "team", "text", "hello team"));
            bob.await("alice's first message", event("message", "text", "hello team"));
            byte[] aliceKeyBefore = Files.readAllBytes(f.bundle("alice").resolve("identity.key"));

            // 1. the admin adds dave while the server and alice's client run
            ChatImage.Result added = run("dave:pw of dave\n", "user", "add", "--dir", keys.toString(), "--users-file", "-");
            assertThat(added.exitCode()).as(added.toString()).isZero();
            f.passwords.put("dave", "pw of dave");
            long addedAt = System.nanoTime();
            alice.await("directory version 2 with dave", event("directory", "version", 2), Duration.ofSeconds(20));
            Duration seen = Duration.ofNanos(System.nanoTime() - addedAt);
            assertThat(seen).as("alice's client learns of dave within seconds").isLessThan(Duration.ofSeconds(15));
            alice.ok("i2", cmd("invite", "team", "user", "dave"));
            ClientProcess dave = f.client("dave");
            dave.await("the history from before dave was added", event("message", "text", "hello team"));
            assertThat(Files.readAllBytes(f.bundle("alice").resolve("identity.key")))
                    .as("existing keys are not touched").isEqualTo(aliceKeyBefore);
            assertThat(DirectoryLog.load(f.bundle("alice").resolve("directory.json")).number())
                    .as("alice's client wrote the new version back to her bundle").isEqualTo(2);

            // 2. erin makes her own key; the admin admits the public part
            Path erinDir = tmp.resolve("erin-laptop");
            Path erinPassword = tmp.resolve("erin.pw");
            Files.writeString(erinPassword, "pw of erin\n");
            ChatImage.Result keygen = run(null, "keygen", "--dir", erinDir.toString(), "--user", "erin",
                    "--password-file", erinPassword.toString());
            assertThat(keygen.exitCode()).as(keygen.toString()).isZero();
            Path request = erinDir.resolve("erin.request.json");
            assertThat(request).exists();
            ChatImage.Result admitted = run(null, "user", "add", "--dir", keys.toString(), "--request", request.toString());
            assertThat(admitted.exitCode()).as(admitted.toString()).isZero();
            try (var files = Files.walk(keys)) {
                assertThat(files.filter(p -> p.getFileName().toString().equals("identity.key"))
                        .filter(p -> p.toString().contains("erin")).toList())
                        .as("erin's private key is nowhere under the admin's keys").isEmpty();
            }
            java.util.regex.Matcher sealed = java.util.regex.Pattern.compile("\"ciphertext\"\\s*:\\s*\"([^\"]+)\"")
                    .matcher(Files.readString(erinDir.resolve("identity.key")));
            assertThat(sealed.find()).as("erin's key file holds a sealed key").isTrue();
            assertThat(ClientFixture.filesContaining(keys, sealed.group(1))).as("erin's sealed key under keys/").isEmpty();
            Files.copy(keys.resolve("directory.json"), erinDir.resolve("directory.json"),
                    StandardCopyOption.REPLACE_EXISTING);
            f.passwords.put("erin", "pw of erin");
            alice.await("directory version 3 with erin", event("directory", "version", 3), Duration.ofSeconds(20));
            alice.ok("i3", cmd("invite", "team", "user", "erin"));
            ClientProcess erin = f.start("erin", erinDir).ready();
            erin.await("erin reads the channel", event("message", "text", "hello team"));

            // 3. bob is revoked: his client is cut off, his next login refused, and he leaves #team
            ChatImage.Result removed = run(null, "user", "remove", "--dir", keys.toString(), "bob");
            assertThat(removed.exitCode()).as(removed.toString()).isZero();
            alice.await("bob removed from #team after his revocation",
                    event("member", "channel", "team", "user", "bob", "change", "removed"), Duration.ofSeconds(30));
            alice.await("the key rotated away from bob", event("rotated", "channel", "team", "epoch", 1),
                    Duration.ofSeconds(30));
            bob.await("bob's client stops", event("connectionFailed"), ClientFixture.reconnectTimeout());
            bob.close();
            ClientProcess bobAgain = f.start("bob", f.bundle("bob"));
            assertThat(bobAgain.waitForExit(Duration.ofSeconds(60))).as("exit code of a revoked login").isEqualTo(3);
            assertThat(bobAgain.stderr()).contains("bob").contains("revoked");
            alice.ok("m2", cmd("send", "team", "text", "after bob left"));
            dave.await("dave reads under the new key", event("message", "text", "after bob left"));
            ClientProcess.Event channels = alice.call("ch", "{\"cmd\":\"channels\"}");
            assertThat(channels.line()).contains("\"members\":[\"alice\",\"dave\",\"erin\"]");

            // 4. alice changes her password: the old one is refused, the new one works
            Path oldPw = tmp.resolve("old.pw");
            Path newPw = tmp.resolve("new.pw");
            Files.writeString(oldPw, "pw of alice\n");
            Files.writeString(newPw, "a new password for alice\n");
            ChatImage.Result passwd = run(null, "passwd", "--dir", f.bundle("alice").toString(), "--password-file",
                    oldPw.toString(), "--new-password-file", newPw.toString());
            assertThat(passwd.exitCode()).as(passwd.toString()).isZero();
            alice.quit();
            ClientProcess oldLogin = f.start("alice", f.bundle("alice"));
            assertThat(oldLogin.waitForExit(Duration.ofSeconds(60))).as("the old password").isEqualTo(3);
            f.passwords.put("alice", "a new password for alice");
            ClientProcess newLogin = f.client("alice");
            ClientProcess.Event history = newLogin.call("h", "{\"cmd\":\"history\",\"channel\":\"team\"}");
            assertThat(history.line()).contains("hello team").contains("after bob left");
            ClientProcess.Event whois = newLogin.call("w", "{\"cmd\":\"whois\",\"user\":\"dave\"}");
            assertThat(whois.type()).isEqualTo("whois");
            assertThat(whois.str("fingerprint")).isEqualTo(UserBundle.load(f.bundle("dave")).principal().fingerprint());
            assertThat(whois.bool("verified")).isFalse();
            assertThat(newLogin.call("v", "{\"cmd\":\"verify\",\"user\":\"dave\"}").bool("verified")).isTrue();

            for (ClientProcess c : List.of(newLogin, dave, erin)) {
                assertThat(c.events(event("alarm"))).as(c.describe()).isEmpty();
            }
        }
    }

    /**
     * A key change that reaches a client through its bundle (the admin's tool rewrote the
     * bundle's directory.json while the client was not running) is announced at the next
     * start just as one the server sends: the loud key_changed line and the directory event.
     */
    @Test
    void aKeyChangeWrittenIntoTheBundleWhileOfflineIsAnnouncedAtTheNextStart() throws Exception {
        try (ClientFixture f = new ClientFixture(chat, tmp, "alice", "bob")) {
            f.startServer();
            f.client("alice").quit();
            String before = UserBundle.load(f.bundle("bob")).principal().fingerprint();
            assertThat(run(null, "user", "remove", "--dir", f.keys.toString(), "bob").exitCode()).isZero();
            assertThat(run("bob:another pw\n", "user", "add", "--dir", f.keys.toString(), "--users-file", "-")
                    .exitCode()).isZero();
            ClientProcess alice = f.client("alice");
            ClientProcess.Event alarm = alice.await("the key change", event("alarm", "kind", "key_changed"));
            assertThat(alarm.str("message")).contains("bob").contains(before)
                    .contains(UserBundle.load(f.bundle("bob")).principal().fingerprint());
            alice.await("the new version", event("directory", "version", 3));
            assertThat(alice.call("w", "{\"cmd\":\"whois\",\"user\":\"bob\"}").num("keyChanges")).isEqualTo(1);
        }
    }
}
