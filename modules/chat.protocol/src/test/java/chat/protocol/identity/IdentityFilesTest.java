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
 * {@code server.key}, {@code admin.key} and {@code NAME.request.json}, alone and as the bundle
 * tree {@code chat generate} writes. Round trips, permissions, and every way an edited,
 * misplaced, outdated or weakened file must fail. The log's own rules: {@link DirectoryLogTest}.
 */
class IdentityFilesTest {

    static final Argon2Params FAST = new Argon2Params(1024, 1, 1); // tests only: real files use Argon2Params.DEFAULT
    static final char[] PASSWORD = "correct horse".toCharArray();

    @TempDir
    Path dir;

    final IdentityKeys server = IdentityKeys.generate("server");
    final IdentityKeys alice = IdentityKeys.generate("alice");
    final IdentityKeys bob = IdentityKeys.generate("bob");
    final IdentityKeys admin = IdentityKeys.generate(UserKeyFile.ADMIN_NAME);
    final Directory directory = new Directory(server.principal(),
            Map.of("alice", alice.principal(), "bob", bob.principal()));
    final DirectoryLog log = DirectoryLog.genesis(admin, server.principal(), directory.users(), 1_000);

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
        Path file = dir.resolve(DirectoryLog.FILE_NAME);
        log.write(file);
        assertThat(Directory.load(file)).isEqualTo(directory);
        DirectoryLog loaded = DirectoryLog.load(file);
        assertThat(loaded.head()).isEqualTo(log.head());
        assertThat(loaded.admin()).isEqualTo(admin.signing().publicKey());
        assertThat(permissions(file)).isEqualTo("rw-r--r--");
        assertThat(Files.readString(file)).contains("\"format\": \"chat-directory\"").contains("\"version\": 2");
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
        Path file = dir.resolve(DirectoryLog.FILE_NAME);
        log.write(file);
        assertThatThrownBy(() -> log.write(file)).isInstanceOf(IOException.class).hasMessageContaining("already exists");
        Path key = dir.resolve(ServerKeyFile.FILE_NAME);
        ServerKeyFile.write(server, key);
        assertThatThrownBy(() -> ServerKeyFile.write(server, key)).isInstanceOf(IOException.class);
    }

    @Test
    void theBundleTreeLoadsForTheServerAndEachUser() throws Exception {
        Path root = dir.resolve("keys");
        Files.createDirectory(root);
        BundleLayout.write(root, log, UserKeyFile.sealAdmin(admin, "admin pw".toCharArray(), FAST), server, List.of(
                new BundleLayout.UserEntry("alice", UserKeyFile.seal(alice, PASSWORD, FAST)),
                new BundleLayout.UserEntry("bob", UserKeyFile.seal(bob, "other".toCharArray(), FAST))));

        ServerBundle serverBundle = ServerBundle.load(root.resolve("server"));
        assertThat(serverBundle.keys().principal()).isEqualTo(server.principal());
        assertThat(serverBundle.directory()).isEqualTo(directory);
        assertThat(DirectoryLog.load(root.resolve(DirectoryLog.FILE_NAME)).head()).isEqualTo(log.head());
        Path adminKey = root.resolve("admin/admin.key");
        assertThat(UserKeyFile.loadAdmin(adminKey).unlock("admin pw".toCharArray(), adminKey).principal())
                .isEqualTo(admin.principal());
        assertThat(permissions(root.resolve("admin"))).isEqualTo("rwx------");
        assertThat(permissions(adminKey)).isEqualTo("rw-------");
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
    void anEditedKeyInTheDirectoryBreaksTheAdminsSignature() throws Exception {
        Path file = dir.resolve(DirectoryLog.FILE_NAME);
        log.write(file);
        String key = Base64.getEncoder().encodeToString(bob.principal().signingKey().bytes());
        edit(file, Pattern.quote(key), Base64.getEncoder()
                .encodeToString(IdentityKeys.generate("x").signing().publicKey().bytes()));
        assertFails(() -> Directory.load(file), IdentityFileException.Reason.MALFORMED,
                "directory version 1 is not signed by the admin key it names");
    }

    @Test
    void aFileOfAnotherFormatOrVersionIsMalformed() throws Exception {
        Path keyFile = dir.resolve(UserKeyFile.FILE_NAME);
        UserKeyFile.seal(alice, PASSWORD, FAST).write(keyFile);
        assertFails(() -> Directory.load(keyFile), IdentityFileException.Reason.MALFORMED,
                "expected a 'chat-directory' file, found 'chat-user-key'");
        assertFails(() -> ServerKeyFile.load(keyFile), IdentityFileException.Reason.MALFORMED,
                "expected a 'chat-server-key' file");

        Path file = dir.resolve(DirectoryLog.FILE_NAME);
        log.write(file);
        edit(file, "\"version\": 2", "\"version\": 3");
        assertFails(() -> Directory.load(file), IdentityFileException.Reason.MALFORMED,
                "unsupported chat-directory version 3 (this build reads version 2)");

        edit(keyFile, "\"version\": 1", "\"version\": 2");
        assertFails(() -> UserKeyFile.load(keyFile), IdentityFileException.Reason.MALFORMED,
                "unsupported chat-user-key version 2");
    }

    @Test
    void notJsonOrAnUnknownFieldIsMalformedAndAMissingFileIsMissing() throws Exception {
        Path file = dir.resolve(DirectoryLog.FILE_NAME);
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
        log.write(bundle.resolve(DirectoryLog.FILE_NAME));
        Path file = bundle.resolve(UserKeyFile.FILE_NAME);
        UserKeyFile.seal(alice, PASSWORD, FAST).write(file);
        edit(file, "\"user\": \"alice\"", "\"user\": \"bob\"");
        UserBundle loaded = UserBundle.load(bundle);
        assertFails(() -> loaded.unlock(PASSWORD), IdentityFileException.Reason.WRONG_PASSWORD, "wrong password");
    }

    @Test
    void keysThatAreNotTheDirectorysAreRefusedAfterUnlocking() throws Exception {
        Path bundle = Files.createDirectory(dir.resolve("alice"));
        log.write(bundle.resolve(DirectoryLog.FILE_NAME));
        IdentityKeys impostor = IdentityKeys.generate("alice");
        UserKeyFile.seal(impostor, PASSWORD, FAST).write(bundle.resolve(UserKeyFile.FILE_NAME));
        assertFails(() -> UserBundle.load(bundle).unlock(PASSWORD), IdentityFileException.Reason.MALFORMED,
                "the keys in this file are not the keys directory.json lists for 'alice'");

        Path serverDir = Files.createDirectory(dir.resolve("server"));
        log.write(serverDir.resolve(DirectoryLog.FILE_NAME));
        ServerKeyFile.write(IdentityKeys.generate("server"), serverDir.resolve(ServerKeyFile.FILE_NAME));
        assertFails(() -> ServerBundle.load(serverDir), IdentityFileException.Reason.MALFORMED,
                "the server keys in this file are not the ones directory.json lists");
    }

    @Test
    void aUserNotInTheDirectoryHasNoBundle() throws Exception {
        Path bundle = Files.createDirectory(dir.resolve("carol"));
        log.write(bundle.resolve(DirectoryLog.FILE_NAME));
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
        Path file = dir.resolve(DirectoryLog.FILE_NAME);
        log.write(file);
        edit(file, "\"bob\": \\{", "\"../bob\": {");
        assertFails(() -> Directory.load(file), IdentityFileException.Reason.MALFORMED, "invalid user name '../bob'");

        Path keyFile = dir.resolve(UserKeyFile.FILE_NAME);
        UserKeyFile.seal(alice, PASSWORD, FAST).write(keyFile);
        edit(keyFile, "\"user\": \"alice\"", "\"user\": \"..\"");
        assertFails(() -> UserKeyFile.load(keyFile), IdentityFileException.Reason.MALFORMED, "invalid user name '..'");
    }

    // ---------------------------------------------------------------- directory format 1, revoked users

    /** A directory as chat wrote it before the log (format chat-directory, version 1: unsigned). */
    Path writeLegacyDirectory(Path file) throws IOException {
        chat.protocol.json.ObjectBuilder users = chat.protocol.json.ObjectBuilder.create();
        for (IdentityKeys k : List.of(alice, bob)) {
            users.put(k.name(), legacy(k.principal()));
        }
        JsonFiles.create(file, chat.protocol.json.ObjectBuilder.create()
                .put("format", "chat-directory")
                .put("version", 1)
                .put("server", legacy(server.principal()))
                .put("users", users)
                .build(), false);
        return file;
    }

    static chat.protocol.json.ObjectBuilder legacy(Principal p) {
        return chat.protocol.json.ObjectBuilder.create()
                .put("signingKey", p.signingKey().bytes())
                .put("agreementKey", p.agreementKey().bytes())
                .put("fingerprint", p.fingerprint());
    }

    @Test
    void aFormatOneDirectoryIsOutdatedAndNamesTheUpgradeCommand() throws Exception {
        Path file = writeLegacyDirectory(dir.resolve(DirectoryLog.FILE_NAME));
        assertFails(() -> DirectoryLog.load(file), IdentityFileException.Reason.OUTDATED, "chat user upgrade --dir KEYS");
        assertFails(() -> DirectoryLog.loadUnchecked(file), IdentityFileException.Reason.OUTDATED, "directory format 1");
        assertFails(() -> Directory.load(file), IdentityFileException.Reason.OUTDATED, "chat user upgrade");

        Path bundle = Files.createDirectory(dir.resolve("alice"));
        writeLegacyDirectory(bundle.resolve(DirectoryLog.FILE_NAME));
        UserKeyFile.seal(alice, PASSWORD, FAST).write(bundle.resolve(UserKeyFile.FILE_NAME));
        assertFails(() -> UserBundle.load(bundle), IdentityFileException.Reason.OUTDATED, "chat user upgrade");
    }

    @Test
    void readLegacyReadsAFormatOneDirectoryAndCatchesAnEditedFingerprint() throws Exception {
        Path file = writeLegacyDirectory(dir.resolve(DirectoryLog.FILE_NAME));
        assertThat(DirectoryLog.readLegacy(file)).isEqualTo(directory);

        String fingerprint = alice.principal().fingerprint();
        String edited = (fingerprint.charAt(0) == '9' ? '0' : (char) (fingerprint.charAt(0) + 1)) + fingerprint.substring(1);
        edit(file, Pattern.quote(fingerprint), edited);
        assertFails(() -> DirectoryLog.readLegacy(file), IdentityFileException.Reason.MALFORMED,
                "alice: listed fingerprint does not match the keys");

        Path current = dir.resolve("current.json");
        log.write(current);
        assertFails(() -> DirectoryLog.readLegacy(current), IdentityFileException.Reason.MALFORMED,
                "unsupported chat-directory version 2 (this build reads version 1)");
    }

    @Test
    void aRevokedUserHasNoBundleAndIsToldSo() throws Exception {
        DirectoryLog revoked = log.sign(admin, Map.of(), java.util.Set.of("bob"), 2_000);
        Path bundle = Files.createDirectory(dir.resolve("bob"));
        revoked.write(bundle.resolve(DirectoryLog.FILE_NAME));
        UserKeyFile.seal(bob, PASSWORD, FAST).write(bundle.resolve(UserKeyFile.FILE_NAME));
        assertFails(() -> UserBundle.load(bundle), IdentityFileException.Reason.REVOKED,
                "user 'bob' was removed from the directory (version 2): the admin revoked their key, which no longer logs in");

        // alice's bundle with the same log still loads, and holds the whole log
        Path aliceDir = Files.createDirectory(dir.resolve("alice"));
        revoked.write(aliceDir.resolve(DirectoryLog.FILE_NAME));
        UserKeyFile.seal(alice, PASSWORD, FAST).write(aliceDir.resolve(UserKeyFile.FILE_NAME));
        UserBundle aliceBundle = UserBundle.load(aliceDir);
        assertThat(aliceBundle.log().number()).isEqualTo(2);
        assertThat(aliceBundle.directory().users()).containsOnlyKeys("alice");
        assertThat(aliceBundle.directoryFile()).isEqualTo(aliceDir.resolve("directory.json"));
    }

    // ---------------------------------------------------------------- the admin key, key requests

    @Test
    void theAdminKeyFileRoundTripsAndIsNotAUserKeyFile() throws Exception {
        Path file = dir.resolve(UserKeyFile.ADMIN_FILE_NAME);
        UserKeyFile.sealAdmin(admin, PASSWORD, FAST).write(file);
        assertThat(permissions(file)).isEqualTo("rw-------");
        assertThat(Files.readString(file)).contains("\"format\": \"chat-admin-key\"");
        UserKeyFile loaded = UserKeyFile.loadAdmin(file);
        assertThat(loaded.isAdmin()).isTrue();
        assertThat(loaded.user()).isEqualTo("admin");
        IdentityKeys unlocked = loaded.unlock(PASSWORD, file);
        assertThat(unlocked.principal()).isEqualTo(admin.principal());
        assertThat(unlocked.signing().privateBytes()).isEqualTo(admin.signing().privateBytes());
        assertFails(() -> loaded.unlock("wrong".toCharArray(), file), IdentityFileException.Reason.WRONG_PASSWORD,
                "wrong password for the admin key");
        // neither file passes for the other
        assertFails(() -> UserKeyFile.load(file), IdentityFileException.Reason.MALFORMED,
                "expected a 'chat-user-key' file, found 'chat-admin-key'");
        Path userFile = dir.resolve(UserKeyFile.FILE_NAME);
        UserKeyFile.seal(alice, PASSWORD, FAST).write(userFile);
        assertThat(UserKeyFile.load(userFile).isAdmin()).isFalse();
        assertFails(() -> UserKeyFile.loadAdmin(userFile), IdentityFileException.Reason.MALFORMED,
                "expected a 'chat-admin-key' file, found 'chat-user-key'");
    }

    @Test
    void resealKeepsTheKeysUnderANewPassword() throws Exception {
        char[] newPassword = "battery staple".toCharArray();
        for (boolean isAdmin : new boolean[] {true, false}) {
            IdentityKeys keys = isAdmin ? admin : alice;
            Path file = dir.resolve(isAdmin ? UserKeyFile.ADMIN_FILE_NAME : UserKeyFile.FILE_NAME);
            (isAdmin ? UserKeyFile.sealAdmin(keys, PASSWORD, FAST) : UserKeyFile.seal(keys, PASSWORD, FAST)).write(file);
            UserKeyFile before = isAdmin ? UserKeyFile.loadAdmin(file) : UserKeyFile.load(file);
            UserKeyFile after = before.reseal(before.unlock(PASSWORD, file), newPassword);
            after.replace(file);
            assertThat(permissions(file)).isEqualTo("rw-------");

            UserKeyFile reloaded = isAdmin ? UserKeyFile.loadAdmin(file) : UserKeyFile.load(file);
            assertThat(reloaded.isAdmin()).isEqualTo(isAdmin);
            assertThat(reloaded.sealed().params()).isEqualTo(FAST);
            assertThat(reloaded.sealed().salt()).isNotEqualTo(before.sealed().salt());
            assertFails(() -> reloaded.unlock(PASSWORD, file), IdentityFileException.Reason.WRONG_PASSWORD,
                    "wrong password");
            IdentityKeys opened = reloaded.unlock(newPassword, file);
            assertThat(opened.principal()).isEqualTo(keys.principal());
            assertThat(opened.signing().privateBytes()).isEqualTo(keys.signing().privateBytes());
            assertThat(opened.agreement().privateBytes()).isEqualTo(keys.agreement().privateBytes());
        }
    }

    @Test
    void aKeyRequestRoundTripsAndProvesTheRequesterHoldsTheKey() throws Exception {
        IdentityKeys carol = IdentityKeys.generate("carol");
        Path file = dir.resolve("carol" + KeyRequest.SUFFIX);
        KeyRequest request = KeyRequest.of(carol);
        request.write(file);
        assertThat(permissions(file)).isEqualTo("rw-r--r--");
        assertThat(Files.readString(file)).contains("\"format\": \"chat-key-request\"")
                .contains("\"fingerprint\": \"" + carol.principal().fingerprint() + "\"")
                .doesNotContain(Base64.getEncoder().encodeToString(carol.signing().privateBytes()));
        KeyRequest loaded = KeyRequest.load(file);
        assertThat(loaded.principal()).isEqualTo(carol.principal());
        assertThat(loaded.signature()).isEqualTo(request.signature());
        assertThat(carol.signing().publicKey().verify(KeyRequest.signedForm(carol.principal()), loaded.signature()))
                .isTrue();
        assertThat(new String(KeyRequest.signedForm(carol.principal()), java.nio.charset.StandardCharsets.UTF_8))
                .startsWith("{\"agreementKey\":").contains("\"purpose\":\"chat-v1/key-request\"")
                .contains("\"user\":\"carol\"");
    }

    @Test
    void aTamperedKeyRequestIsRefused() throws Exception {
        IdentityKeys carol = IdentityKeys.generate("carol");
        IdentityKeys mallory = IdentityKeys.generate("carol");

        // another name on carol's keys: the signature covers the name
        Path renamed = dir.resolve("renamed.request.json");
        KeyRequest.of(carol).write(renamed);
        edit(renamed, "\"user\": \"carol\"", "\"user\": \"dave\"");
        assertFails(() -> KeyRequest.load(renamed), IdentityFileException.Reason.MALFORMED,
                "the request is not signed by the key it carries");

        // another key (with its matching fingerprint) under carol's signature
        Path swapped = dir.resolve("swapped.request.json");
        KeyRequest.of(carol).write(swapped);
        edit(swapped, Pattern.quote(Base64.getEncoder().encodeToString(carol.signing().publicKey().bytes())),
                Base64.getEncoder().encodeToString(mallory.signing().publicKey().bytes()));
        edit(swapped, Pattern.quote(Base64.getEncoder().encodeToString(carol.agreement().publicKey().bytes())),
                Base64.getEncoder().encodeToString(mallory.agreement().publicKey().bytes()));
        edit(swapped, Pattern.quote(carol.principal().fingerprint()), mallory.principal().fingerprint());
        assertFails(() -> KeyRequest.load(swapped), IdentityFileException.Reason.MALFORMED,
                "the request is not signed by the key it carries");

        // a key that does not match its listed fingerprint
        Path mismatched = dir.resolve("mismatched.request.json");
        KeyRequest.of(carol).write(mismatched);
        edit(mismatched, Pattern.quote(carol.principal().fingerprint()), mallory.principal().fingerprint());
        assertFails(() -> KeyRequest.load(mismatched), IdentityFileException.Reason.MALFORMED,
                "the listed fingerprint does not match the keys");

        // a request signed by another key than the one it carries
        Path forged = dir.resolve("forged.request.json");
        new KeyRequest(carol.principal(), mallory.signing().sign(KeyRequest.signedForm(carol.principal()))).write(forged);
        assertFails(() -> KeyRequest.load(forged), IdentityFileException.Reason.MALFORMED,
                "the request is not signed by the key it carries");

        Path badName = dir.resolve("bad.request.json");
        KeyRequest.of(carol).write(badName);
        edit(badName, "\"user\": \"carol\"", "\"user\": \"../carol\"");
        assertFails(() -> KeyRequest.load(badName), IdentityFileException.Reason.MALFORMED, "invalid user name '../carol'");
    }
}
