package chat.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import chat.protocol.identity.Directory;
import chat.protocol.identity.IdentityFileException;
import chat.protocol.identity.IdentityKeys;
import chat.protocol.identity.ServerBundle;
import chat.protocol.identity.UserBundle;
import chat.protocol.identity.UserKeyFile;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code chat generate}, run from the built image the way an administrator or a script runs it. */
class GenerateE2ETest {

    private final ChatImage chat = ChatImage.fromSystemProperty();

    @TempDir
    Path tmp;

    private ChatImage.Result generate(Path dir, String usersFile, String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("generate", "--dir", dir.toString(), "--users-file", "-"));
        args.addAll(List.of(extra));
        return chat.run(args, usersFile, Map.of());
    }

    @Test
    void createsServerAndUserBundlesWithPrivateFilesOnlyForTheirOwner() throws Exception {
        Path dir = tmp.resolve("keys");
        ChatImage.Result r = generate(dir, "alice:correct horse\nbob:hunter22\n# comment\n\ncarol:p:with:colons\n");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stdout()).contains("alice", "bob", "carol", "Server fingerprint:");
        assertThat(r.stderr()).contains("[1/3] alice", "[3/3] carol");

        Directory directory = Directory.load(dir.resolve("directory.json"));
        assertThat(directory.users()).containsOnlyKeys("alice", "bob", "carol");
        for (var p : directory.users().values()) {
            assertThat(r.stdout()).contains(p.fingerprint());
        }

        ServerBundle server = ServerBundle.load(dir.resolve("server"));
        assertThat(server.keys().principal()).isEqualTo(directory.server());
        assertThat(mode(dir.resolve("server/server.key"))).isEqualTo("rw-------");
        assertThat(mode(dir.resolve("server"))).isEqualTo("rwx------");

        for (String user : List.of("alice", "bob", "carol")) {
            Path bundle = dir.resolve("users").resolve(user);
            assertThat(mode(bundle)).isEqualTo("rwx------");
            assertThat(mode(bundle.resolve("identity.key"))).isEqualTo("rw-------");
            try (Stream<Path> files = Files.list(bundle)) {
                assertThat(files.map(f -> f.getFileName().toString()))
                        .containsExactlyInAnyOrder("directory.json", "identity.key");
            }
        }
    }

    @Test
    void keyFileOpensWithTheRightPasswordOnlyAndHoldsNoOtherUsersSecrets() throws Exception {
        Path dir = tmp.resolve("keys");
        assertThat(generate(dir, "alice:right-one\nbob:bobs-password\n").exitCode()).isZero();

        UserBundle alice = UserBundle.load(dir.resolve("users/alice"));
        assertThat(alice.user()).isEqualTo("alice");
        IdentityKeys keys = alice.unlock("right-one".toCharArray());
        assertThat(keys.principal()).isEqualTo(alice.directory().user("alice").orElseThrow());

        assertThatThrownBy(() -> alice.unlock("wrong".toCharArray()))
                .isInstanceOf(IdentityFileException.class)
                .extracting(e -> ((IdentityFileException) e).reason())
                .isEqualTo(IdentityFileException.Reason.WRONG_PASSWORD);
        assertThatThrownBy(() -> alice.unlock("bobs-password".toCharArray()))
                .isInstanceOf(IdentityFileException.class);

        // Nothing of bob's private key, in any encoding, is in alice's bundle.
        IdentityKeys bob = UserBundle.load(dir.resolve("users/bob")).unlock("bobs-password".toCharArray());
        String seed = Base64.getEncoder().encodeToString(bob.signing().privateBytes());
        String scalar = Base64.getEncoder().encodeToString(bob.agreement().privateBytes());
        String bobKeyFile = Files.readString(dir.resolve("users/bob/identity.key"));
        String bobCiphertext = bobKeyFile.replaceAll("(?s).*\"ciphertext\": \"([^\"]+)\".*", "$1");
        try (Stream<Path> files = Files.walk(dir.resolve("users/alice"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String text = Files.readString(f);
                assertThat(text).doesNotContain(seed, scalar, bobCiphertext);
            }
        }
        assertThat(Files.readString(dir.resolve("directory.json"))).doesNotContain("secret", "ciphertext");
    }

    @Test
    void refusesAnExistingFolderUnlessForcedAndThenReplacesItWhole() throws Exception {
        Path dir = tmp.resolve("keys");
        assertThat(generate(dir, "alice:pass-alice\n").exitCode()).isZero();
        String before = Files.readString(dir.resolve("directory.json"));

        ChatImage.Result refused = generate(dir, "bob:pass-bob\n");
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.stderr()).contains("already exists", "--force");
        assertThat(Files.readString(dir.resolve("directory.json"))).isEqualTo(before);

        ChatImage.Result forced = generate(dir, "bob:pass-bob\n", "--force");
        assertThat(forced.exitCode()).as(forced.toString()).isZero();
        assertThat(Directory.load(dir.resolve("directory.json")).users()).containsOnlyKeys("bob");
        assertThat(dir.resolve("users/alice")).doesNotExist();
        try (Stream<Path> siblings = Files.list(tmp)) {
            assertThat(siblings.map(p -> p.getFileName().toString())).containsExactly("keys");
        }
    }

    @Test
    void badInputIsRefusedWithAClearMessageAndNothingWritten() {
        record Case(String users, List<String> args, int exit, String message) {
        }
        List<Case> cases = List.of(
                new Case("bad name!:pw\n", List.of(), 2, "invalid user name 'bad name!'"),
                new Case("..:pw\n", List.of(), 2, "invalid user name '..'"),
                new Case("alice:a\nalice:b\n", List.of(), 2, "listed twice"),
                new Case("alice:\n", List.of(), 2, "empty password for user 'alice'"),
                new Case("alice:seven77\n", List.of(), 2, "the password for user 'alice' in standard input is too short"),
                new Case("alice\n", List.of(), 2, "expected 'user:password'"),
                new Case("", List.of(), 2, "no users given"),
                new Case("alice:a\n", List.of("bob"), 2, "user 'bob' has no password"),
                new Case("alice:a\n", List.of("alice", "alice"), 2, "given twice"),
                new Case("x".repeat(33) + ":a\n", List.of(), 2, "invalid user name"));
        for (Case c : cases) {
            Path dir = tmp.resolve("out");
            ChatImage.Result r = generate(dir, c.users(), c.args().toArray(String[]::new));
            assertThat(r.exitCode()).as(c + "\n" + r).isEqualTo(c.exit());
            assertThat(r.stderr()).as(c.toString()).contains(c.message());
            assertThat(dir).as(c.toString()).doesNotExist();
        }
    }

    @Test
    void withoutATerminalAndWithoutUsersFileItExplainsWhatToDo() {
        ChatImage.Result r = chat.run(List.of("generate", "--dir", tmp.resolve("k").toString(), "alice"), "", Map.of());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.stderr()).contains("not a terminal", "--users-file");
    }

    @Test
    void usageErrorsExitTwo() {
        ChatImage.Result missingDir = chat.run("generate", "alice");
        assertThat(missingDir.exitCode()).isEqualTo(2);
        assertThat(missingDir.stderr()).contains("--dir");
        ChatImage.Result unknown = chat.run("generate", "--dir", tmp.resolve("k").toString(), "--bogus");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.stderr()).contains("--bogus");
        ChatImage.Result missingFile = chat.run("generate", "--dir", tmp.resolve("k").toString(),
                "--users-file", tmp.resolve("nope.txt").toString());
        assertThat(missingFile.exitCode()).isEqualTo(2);
        assertThat(missingFile.stderr()).contains("does not exist");
    }

    @Test
    void aPlaceUnderAFileIsAClearFailureBeforeAnyKeyIsComputed() throws IOException {
        Path file = Files.writeString(tmp.resolve("plain-file"), "x");
        ChatImage.Result r = generate(file.resolve("sub/keys"), "alice:pass-alice\n");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.stderr()).isEqualTo("chat: cannot create " + file.resolve("sub/keys") + ": " + file
                + " is a file, not a folder\n");
    }

    @Test
    void aFolderWithoutWritePermissionIsAClearFailureBeforeAnyKeyIsComputed() throws IOException {
        Path readOnly = Files.createDirectories(tmp.resolve("read-only"));
        Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            Assumptions.assumeFalse(Files.isWritable(readOnly), "running as root: permission bits do not stop root");
            ChatImage.Result denied = generate(readOnly.resolve("keys"), "alice:pass-alice\n");
            assertThat(denied.exitCode()).isEqualTo(1);
            assertThat(denied.stderr()).isEqualTo("chat: cannot write in " + readOnly + ": permission denied\n");
        } finally {
            Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("rwx------"));
        }
    }

    @Test
    void readsTheUsersFileFromAPath() throws IOException {
        Path users = Files.writeString(tmp.resolve("users.txt"), "dave:pass-dave\n", StandardCharsets.UTF_8);
        ChatImage.Result r = chat.run("generate", "--dir", tmp.resolve("k").toString(), "--users-file", users.toString());
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(tmp.resolve("k/users/dave/identity.key")).exists();
    }

    @Test
    void newKeysNeedEightCharactersWhileAKeySealedEarlierWithFewerStillOpens() throws Exception {
        Path dir = tmp.resolve("keys");
        ChatImage.Result tooShort = generate(dir, "alice:pass-alice\nbob:1234567\n");
        assertThat(tooShort.exitCode()).as(tooShort.toString()).isEqualTo(2);
        assertThat(tooShort.stderr()).isEqualTo("chat: the password for user 'bob' in standard input is too short"
                + " (7 characters): a new key needs at least 8\n");
        assertThat(dir).doesNotExist();
        assertThat(generate(dir, "alice:pass-alice\nbob:12345678\n").exitCode()).isZero();

        Path five = privateFile("five.txt", "short\n");
        ChatImage.Result keygen = chat.run("keygen", "--dir", tmp.resolve("erin").toString(), "--user", "erin",
                "--password-file", five.toString());
        assertThat(keygen.exitCode()).isEqualTo(2);
        assertThat(keygen.stderr()).contains("the password for user 'erin' in " + five + " is too short (5 characters)");
        assertThat(tmp.resolve("erin")).doesNotExist();

        // alice's key as an older chat passwd, without the minimum, left it: sealed with "pw"
        Path key = dir.resolve("users/alice/identity.key");
        UserKeyFile file = UserKeyFile.load(key);
        file.reseal(file.unlock("pass-alice".toCharArray(), key), "pw".toCharArray()).replace(key);
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        List<String> client = List.of("client", "--dir", dir.resolve("users/alice").toString(), "--server",
                "127.0.0.1:" + closedPort, "--frontend", "json");
        ChatImage.Result wrong = chat.run(client, "", Map.of("CHAT_PASSWORD", "pass-alice"));
        assertThat(wrong.exitCode()).as("the old password no longer opens it: " + wrong).isEqualTo(3);
        ChatImage.Result opened = chat.run(client, "", Map.of("CHAT_PASSWORD", "pw"));
        assertThat(opened.exitCode()).as("unlocked with \"pw\", then the server is unreachable: " + opened).isEqualTo(4);

        Path old = privateFile("old.txt", "pw\n");
        Path seven = privateFile("seven.txt", "1234567\n");
        ChatImage.Result refused = chat.run("passwd", "--dir", dir.resolve("users/alice").toString(), "--password-file",
                old.toString(), "--new-password-file", seven.toString());
        assertThat(refused.exitCode()).isEqualTo(2);
        assertThat(refused.stderr()).contains("the password for alice in " + seven + " is too short (7 characters)");
        ChatImage.Result changed = chat.run("passwd", "--dir", dir.resolve("users/alice").toString(), "--password-file",
                old.toString(), "--new-password-file", privateFile("new.txt", "longer-pw\n").toString());
        assertThat(changed.exitCode()).as(changed.toString()).isZero();
        assertThat(UserBundle.load(dir.resolve("users/alice")).unlock("longer-pw".toCharArray()).name()).isEqualTo("alice");
    }

    @Test
    void aPasswordFileOthersMayReadIsUsedWithAWarningAndAPrivateOneWithout() throws IOException {
        Path users = Files.writeString(tmp.resolve("users.txt"), "dave:pass-dave\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(users, PosixFilePermissions.fromString("rw-r--r--"));
        ChatImage.Result open = chat.run("generate", "--dir", tmp.resolve("k1").toString(), "--users-file", users.toString());
        assertThat(open.exitCode()).as(open.toString()).isZero();
        assertThat(open.stderr()).contains("chat: warning: " + users + " (a file of passwords) can be read or changed by"
                + " other users (mode rw-r--r--); make it private: chmod 600 " + users + "\n");

        Files.setPosixFilePermissions(users, PosixFilePermissions.fromString("rw-------"));
        ChatImage.Result closed = chat.run("generate", "--dir", tmp.resolve("k2").toString(), "--users-file", users.toString());
        assertThat(closed.exitCode()).as(closed.toString()).isZero();
        assertThat(closed.stderr()).doesNotContain("a file of passwords", "chmod");
    }

    private Path privateFile(String name, String content) throws IOException {
        Path file = Files.writeString(tmp.resolve(name), content, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }
}
