package chat.protocol.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import chat.crypto.Argon2Params;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The identity files: {@code directory.json}, {@code identity.key} (password-protected) and
 * {@code server.key}, alone and as the bundle tree {@code chat generate} writes. Round trips,
 * permissions, and every way an edited, misplaced or weakened file must fail.
 */
class IdentityFilesTest {

    static final Argon2Params FAST = new Argon2Params(1024, 1, 1); // tests only: real files use Argon2Params.DEFAULT
    static final char[] PASSWORD = "correct horse".toCharArray();

    @TempDir
    Path dir;

    final IdentityKeys server = IdentityKeys.generate("server");
    final IdentityKeys alice = IdentityKeys.generate("alice");
    final IdentityKeys bob = IdentityKeys.generate("bob");
    final Directory directory = new Directory(server.principal(),
            Map.of("alice", alice.principal(), "bob", bob.principal()));

    static void assertFails(ThrowingCallable call, IdentityFileException.Reason reason, String fragment) {
        assertThatThrownBy(call)
                .isInstanceOf(IdentityFileException.class)
                .hasMessageContaining(fragment)
                .satisfies(e -> assertThat(((IdentityFileException) e).reason()).isEqualTo(reason));
    }

    static String permissions(Path file) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
    }

    static void edit(Path file, String regex, String replacement) throws IOException {
        String text = Files.readString(file);
        String edited = text.replaceFirst(regex, replacement);
        assertThat(edited).as("edit %s in %s", regex, file).isNotEqualTo(text);
        Files.writeString(file, edited);
    }

    // ---------------------------------------------------------------- round trips

    @Test
    void theDirectoryRoundTripsAndIsWorldReadable() throws Exception {
        Path file = dir.resolve(Directory.FILE_NAME);
        directory.write(file);
        assertThat(Directory.load(file)).isEqualTo(directory);
        assertThat(permissions(file)).isEqualTo("rw-r--r--");
        assertThat(Files.readString(file)).contains("\"format\": \"chat-directory\"")
                .contains("\"fingerprint\": \"" + alice.principal().fingerprint() + "\"");
    }

    @Test
    void aUserKeyFileRoundTripsWithThePasswordAndIsPrivate() throws Exception {
        Path file = dir.resolve(UserKeyFile.FILE_NAME);
        UserKeyFile.seal(alice, PASSWORD, FAST).write(file);
        assertThat(permissions(file)).isEqualTo("rw-------");
        UserKeyFile loaded = UserKeyFile.load(file);
        assertThat(loaded.user()).isEqualTo("alice");
        assertThat(loaded.sealed().params()).isEqualTo(FAST);
        IdentityKeys unlocked = loaded.unlock(PASSWORD, file);
        assertThat(unlocked.principal()).isEqualTo(alice.principal());
        assertThat(unlocked.signing().privateBytes()).isEqualTo(alice.signing().privateBytes());
        assertThat(Files.readString(file)).doesNotContain(Base64.getEncoder()
                .encodeToString(alice.signing().privateBytes()));
    }

    @Test
    void aServerKeyFileRoundTripsAndIsPrivate() throws Exception {
        Path file = dir.resolve(ServerKeyFile.FILE_NAME);
        ServerKeyFile.write(server, file);
        assertThat(permissions(file)).isEqualTo("rw-------");
        IdentityKeys loaded = ServerKeyFile.load(file);
        assertThat(loaded.principal()).isEqualTo(server.principal());
        assertThat(loaded.name()).isEqualTo("server");
    }

    @Test
    void filesAreNeverOverwritten() throws Exception {
        Path file = dir.resolve(Directory.FILE_NAME);
        directory.write(file);
        assertThatThrownBy(() -> directory.write(file)).isInstanceOf(IOException.class).hasMessageContaining("already exists");
        Path key = dir.resolve(ServerKeyFile.FILE_NAME);
        ServerKeyFile.write(server, key);
        assertThatThrownBy(() -> ServerKeyFile.write(server, key)).isInstanceOf(IOException.class);
    }

    @Test
    void theBundleTreeLoadsForTheServerAndEachUser() throws Exception {
        Path root = dir.resolve("keys");
        Files.createDirectory(root);
        BundleLayout.write(root, directory, server, List.of(
                new BundleLayout.UserEntry("alice", UserKeyFile.seal(alice, PASSWORD, FAST)),
                new BundleLayout.UserEntry("bob", UserKeyFile.seal(bob, "other".toCharArray(), FAST))));

        ServerBundle serverBundle = ServerBundle.load(root.resolve("server"));
        assertThat(serverBundle.keys().principal()).isEqualTo(server.principal());
        assertThat(serverBundle.directory()).isEqualTo(directory);
        UserBundle aliceBundle = UserBundle.load(root.resolve("users/alice"));
        assertThat(aliceBundle.user()).isEqualTo("alice");
        assertThat(aliceBundle.unlock(PASSWORD).principal()).isEqualTo(alice.principal());
        assertThat(UserBundle.load(root.resolve("users/bob")).unlock("other".toCharArray()).principal())
                .isEqualTo(bob.principal());

        assertThat(permissions(root.resolve("server"))).isEqualTo("rwx------");
        assertThat(permissions(root.resolve("users/alice"))).isEqualTo("rwx------");
        assertThat(permissions(root.resolve("users/alice/identity.key"))).isEqualTo("rw-------");
        // a user's bundle holds nobody else's private key
        try (var files = Files.list(root.resolve("users/alice"))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("directory.json", "identity.key");
        }
    }

    // ---------------------------------------------------------------- failures

    @Test
    void aWrongPasswordIsReportedAsSuch() throws Exception {
        Path file = dir.resolve(UserKeyFile.FILE_NAME);
        UserKeyFile.seal(alice, PASSWORD, FAST).write(file);
        UserKeyFile loaded = UserKeyFile.load(file);
        assertFails(() -> loaded.unlock("correct horse ".toCharArray(), file), IdentityFileException.Reason.WRONG_PASSWORD,
                "wrong password for user 'alice'");
        assertFails(() -> loaded.unlock(new char[0], file), IdentityFileException.Reason.WRONG_PASSWORD, "wrong password");
    }

    @Test
    void anEditedFingerprintMakesTheDirectoryMalformed() throws Exception {
        Path file = dir.resolve(Directory.FILE_NAME);
        directory.write(file);
        String fingerprint = alice.principal().fingerprint();
        String edited = (fingerprint.charAt(0) == '9' ? '0' : (char) (fingerprint.charAt(0) + 1)) + fingerprint.substring(1);
        edit(file, Pattern.quote(fingerprint), edited);
        assertFails(() -> Directory.load(file), IdentityFileException.Reason.MALFORMED,
                "alice: listed fingerprint " + edited + " does not match the keys");
    }

    @Test
    void anEditedKeyInTheDirectoryIsCaughtByItsFingerprint() throws Exception {
        Path file = dir.resolve(Directory.FILE_NAME);
        directory.write(file);
        String key = Base64.getEncoder().encodeToString(bob.principal().signingKey().bytes());
        edit(file, Pattern.quote(key), Base64.getEncoder()
                .encodeToString(IdentityKeys.generate("x").signing().publicKey().bytes()));
        assertFails(() -> Directory.load(file), IdentityFileException.Reason.MALFORMED, "bob: listed fingerprint");
    }

    @Test
    void aFileOfAnotherFormatOrVersionIsMalformed() throws Exception {
        Path keyFile = dir.resolve(UserKeyFile.FILE_NAME);
        UserKeyFile.seal(alice, PASSWORD, FAST).write(keyFile);
        assertFails(() -> Directory.load(keyFile), IdentityFileException.Reason.MALFORMED,
                "expected a 'chat-directory' file, found 'chat-user-key'");
        assertFails(() -> ServerKeyFile.load(keyFile), IdentityFileException.Reason.MALFORMED,
                "expected a 'chat-server-key' file");

        Path file = dir.resolve(Directory.FILE_NAME);
        directory.write(file);
        edit(file, "\"version\": 1", "\"version\": 2");
        assertFails(() -> Directory.load(file), IdentityFileException.Reason.MALFORMED,
                "unsupported chat-directory version 2 (this build reads version 1)");

        edit(keyFile, "\"version\": 1", "\"version\": 2");
        assertFails(() -> UserKeyFile.load(keyFile), IdentityFileException.Reason.MALFORMED,
                "unsupported chat-user-key version 2");
    }

    @Test
    void notJsonOrAnUnknownFieldIsMalformedAndAMissingFileIsMissing() throws Exception {
        Path file = dir.resolve(Directory.FILE_NAME);
        Files.writeString(file, "not json");
        assertFails(() -> Directory.load(file), IdentityFileException.Reason.MALFORMED, "malformed JSON");

        Path keyFile = dir.resolve(UserKeyFile.FILE_NAME);
        UserKeyFile.seal(alice, PASSWORD, FAST).write(keyFile);
        edit(keyFile, "\"user\": \"alice\"", "\"user\": \"alice\",\n  \"hint\": \"my cat\"");
        assertFails(() -> UserKeyFile.load(keyFile), IdentityFileException.Reason.MALFORMED, "unknown field 'hint'");

        assertFails(() -> Directory.load(dir.resolve("nothing.json")), IdentityFileException.Reason.MISSING, "no such file");
    }

    @Test
    void aUserKeyFileRelabelledForAnotherUserDoesNotUnlock() throws Exception {
        Path file = dir.resolve(UserKeyFile.FILE_NAME);
        UserKeyFile.seal(alice, PASSWORD, FAST).write(file);
        edit(file, "\"user\": \"alice\"", "\"user\": \"bob\"");
        UserKeyFile moved = UserKeyFile.load(file);
        assertThat(moved.user()).isEqualTo("bob");
        // the header (with the user name) is the AEAD's associated data: even the right password fails
        assertFails(() -> moved.unlock(PASSWORD, file), IdentityFileException.Reason.WRONG_PASSWORD,
                "wrong password for user 'bob'");
    }

    @Test
    void aUserBundleWhoseKeyFileWasMovedToAnotherUserDoesNotUnlock() throws Exception {
        Path bundle = Files.createDirectory(dir.resolve("bob"));
        directory.write(bundle.resolve(Directory.FILE_NAME));
        Path file = bundle.resolve(UserKeyFile.FILE_NAME);
        UserKeyFile.seal(alice, PASSWORD, FAST).write(file);
        edit(file, "\"user\": \"alice\"", "\"user\": \"bob\"");
        UserBundle loaded = UserBundle.load(bundle);
        assertFails(() -> loaded.unlock(PASSWORD), IdentityFileException.Reason.WRONG_PASSWORD, "wrong password");
    }

    @Test
    void keysThatAreNotTheDirectorysAreRefusedAfterUnlocking() throws Exception {
        Path bundle = Files.createDirectory(dir.resolve("alice"));
        directory.write(bundle.resolve(Directory.FILE_NAME));
        IdentityKeys impostor = IdentityKeys.generate("alice");
        UserKeyFile.seal(impostor, PASSWORD, FAST).write(bundle.resolve(UserKeyFile.FILE_NAME));
        assertFails(() -> UserBundle.load(bundle).unlock(PASSWORD), IdentityFileException.Reason.MALFORMED,
                "the keys in this file are not the keys directory.json lists for 'alice'");

        Path serverDir = Files.createDirectory(dir.resolve("server"));
        directory.write(serverDir.resolve(Directory.FILE_NAME));
        ServerKeyFile.write(IdentityKeys.generate("server"), serverDir.resolve(ServerKeyFile.FILE_NAME));
        assertFails(() -> ServerBundle.load(serverDir), IdentityFileException.Reason.MALFORMED,
                "the server keys in this file are not the ones directory.json lists");
    }

    @Test
    void aUserNotInTheDirectoryHasNoBundle() throws Exception {
        Path bundle = Files.createDirectory(dir.resolve("carol"));
        directory.write(bundle.resolve(Directory.FILE_NAME));
        UserKeyFile.seal(IdentityKeys.generate("carol"), PASSWORD, FAST).write(bundle.resolve(UserKeyFile.FILE_NAME));
        assertFails(() -> UserBundle.load(bundle), IdentityFileException.Reason.MALFORMED,
                "user 'carol' is not listed in directory.json");
    }

    @Test
    void loweredKdfParametersInTheFileDoNotUnlock() throws Exception {
        Argon2Params params = new Argon2Params(2048, 2, 1);
        for (String[] edit : new String[][] {{"\"memoryKiB\": 2048", "\"memoryKiB\": 1024"},
                {"\"iterations\": 2", "\"iterations\": 1"}}) {
            Path file = Files.createTempFile(dir, "identity", ".key");
            Files.delete(file);
            UserKeyFile.seal(alice, PASSWORD, params).write(file);
            edit(file, edit[0], edit[1]);
            UserKeyFile weakened = UserKeyFile.load(file);
            assertThat(weakened.sealed().params()).isNotEqualTo(params);
            assertFails(() -> weakened.unlock(PASSWORD, file), IdentityFileException.Reason.WRONG_PASSWORD,
                    "wrong password");
        }
    }

    @Test
    void outOfRangeKdfParametersAreMalformedNotAttempted() throws Exception {
        Path file = dir.resolve(UserKeyFile.FILE_NAME);
        UserKeyFile.seal(alice, PASSWORD, FAST).write(file);
        edit(file, "\"memoryKiB\": 1024", "\"memoryKiB\": 1073741824");
        assertFails(() -> UserKeyFile.load(file), IdentityFileException.Reason.MALFORMED, "argon2 memory 1073741824 KiB");
    }

    @Test
    void invalidNamesAreMalformed() throws Exception {
        Path file = dir.resolve(Directory.FILE_NAME);
        directory.write(file);
        edit(file, "\"bob\": \\{", "\"../bob\": {");
        assertFails(() -> Directory.load(file), IdentityFileException.Reason.MALFORMED, "invalid user name '../bob'");

        Path keyFile = dir.resolve(UserKeyFile.FILE_NAME);
        UserKeyFile.seal(alice, PASSWORD, FAST).write(keyFile);
        edit(keyFile, "\"user\": \"alice\"", "\"user\": \"..\"");
        assertFails(() -> UserKeyFile.load(keyFile), IdentityFileException.Reason.MALFORMED, "invalid user name '..'");
    }
}
