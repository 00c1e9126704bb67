package chat.launcher;

import static chat.launcher.CliResult.run;
import static org.assertj.core.api.Assertions.assertThat;

import chat.crypto.Argon2Params;
import chat.protocol.identity.DirectoryLog;
import chat.protocol.identity.IdentityFileException;
import chat.protocol.identity.IdentityKeys;
import chat.protocol.identity.Principal;
import chat.protocol.identity.UserBundle;
import chat.protocol.identity.UserKeyFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** generate, user add/remove/list/upgrade, keygen and passwd, run in-process through the chat command line. */
class KeyCommandsTest {

    @TempDir
    Path tmp;

    private final Map<String, String> env = new HashMap<>();
    private Path keys;


    @BeforeEach
    void cheapKeys() {
        PasswordSource.kdf = new Argon2Params(64, 1, 1); // tests only: the real cost is Argon2Params.DEFAULT
        PasswordSource.environment = env::get;
        PasswordSource.terminal = () -> null;
        keys = tmp.resolve("keys");
    }

    @AfterEach
    void restore() {
        PasswordSource.kdf = Argon2Params.DEFAULT;
        PasswordSource.environment = System::getenv;
        PasswordSource.terminal = System::console;
    }

    private Path file(String name, String content) throws IOException {
        Path f = tmp.resolve(name);
        Files.writeString(f, content, StandardCharsets.UTF_8);
        return f;
    }

    private CliResult generate(String usersFile) throws IOException {
        CliResult r = run("generate", "--dir", keys.toString(), "--users-file", file("users.txt", usersFile).toString());
        assertThat(r.code()).as(r.err()).isZero();
        return r;
    }

    private static DirectoryLog load(Path file) throws IdentityFileException {
        return DirectoryLog.load(file);
    }

    private List<Path> directoryCopies() throws IOException {
        try (Stream<Path> s = Files.walk(keys)) {
            return s.filter(p -> p.getFileName().toString().equals("directory.json")).sorted().toList();
        }
    }

    private void assertAllCopiesEqualAuthoritative() throws IOException {
        byte[] authoritative = Files.readAllBytes(keys.resolve("directory.json"));
        List<Path> copies = directoryCopies();
        assertThat(copies).hasSizeGreaterThan(2);
        for (Path copy : copies) {
            assertThat(Files.readAllBytes(copy)).as(copy.toString()).isEqualTo(authoritative);
        }
    }

    private static String perms(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    // ------------------------------------------------------------------ generate

    @Test
    void generateWritesTheAdminKeyAndVersion1OfTheLogEverywhere() throws Exception {
        CliResult r = generate("alice:pass-alice\nbob:pass-bob1\n@admin:admin-pass\n");

        DirectoryLog log = load(keys.resolve("directory.json"));
        assertThat(log.number()).isEqualTo(1);
        assertThat(log.current().users()).containsOnlyKeys("alice", "bob");
        assertAllCopiesEqualAuthoritative();
        Path adminKey = keys.resolve("admin/admin.key");
        IdentityKeys admin = UserKeyFile.loadAdmin(adminKey).unlock("admin-pass".toCharArray(), adminKey);
        assertThat(admin.signing().publicKey()).isEqualTo(log.admin());
        assertThat(perms(adminKey)).isEqualTo("rw-------");
        assertThat(perms(keys.resolve("admin"))).isEqualTo("rwx------");
        assertThat(r.out()).contains("Admin fingerprint:  " + Problems.adminFingerprint(log.admin()));
        assertThat(r.err()).doesNotContain("no password");
        assertThat(UserBundle.load(keys.resolve("users/alice")).unlock("pass-alice".toCharArray()).principal())
                .isEqualTo(log.current().user("alice").orElseThrow());
    }

    @Test
    void generateWithoutAnAdminPasswordWarnsAndSealsTheAdminKeyWithTheEmptyPassword() throws Exception {
        CliResult r = generate("alice:pass-alice\n");

        assertThat(r.err()).contains("warning: the admin key " + keys.resolve("admin/admin.key") + " has no password")
                .contains("chat passwd --dir " + keys.resolve("admin"));
        Path adminKey = keys.resolve("admin/admin.key");
        IdentityKeys admin = UserKeyFile.loadAdmin(adminKey).unlock(new char[0], adminKey);
        assertThat(admin.signing().publicKey()).isEqualTo(load(keys.resolve("directory.json")).admin());
    }

    @Test
    void theAdminPasswordMayComeFromTheEnvironmentOrAFile() throws Exception {
        env.put("CHAT_ADMIN_PASSWORD", "from-env");
        generate("alice:pass-alice\n");
        Path adminKey = keys.resolve("admin/admin.key");
        UserKeyFile.loadAdmin(adminKey).unlock("from-env".toCharArray(), adminKey);

        env.clear();
        Path other = tmp.resolve("other");
        CliResult r = run("generate", "--dir", other.toString(), "--users-file", file("u2.txt", "bob:pass-word\n").toString(),
                "--admin-password-file", file("admin.txt", "from-file\nignored\n").toString());
        assertThat(r.code()).as(r.err()).isZero();
        Path otherKey = other.resolve("admin/admin.key");
        UserKeyFile.loadAdmin(otherKey).unlock("from-file".toCharArray(), otherKey);
    }

    @Test
    void generateForceRefusesToDeleteServerDataOrClientStateUnlessDeleteData() throws Exception {
        generate("alice:pass-alice\n");
        Files.createDirectories(keys.resolve("server/data"));
        Files.createDirectories(keys.resolve("users/alice/state"));
        byte[] before = Files.readAllBytes(keys.resolve("directory.json"));

        CliResult refused = run("generate", "--dir", keys.toString(), "--force", "--users-file",
                file("u2.txt", "bob:pass-word\n").toString());
        assertThat(refused.code()).isEqualTo(1);
        assertThat(refused.err()).contains(keys.resolve("server/data").toString())
                .contains(keys.resolve("users/alice/state").toString()).contains("--delete-data");
        assertThat(Files.readAllBytes(keys.resolve("directory.json"))).isEqualTo(before);
        assertThat(keys.resolve("server/data")).isDirectory();

        CliResult done = run("generate", "--dir", keys.toString(), "--force", "--delete-data", "--users-file",
                file("u3.txt", "bob:pass-word\n").toString());
        assertThat(done.code()).as(done.err()).isZero();
        assertThat(done.err()).contains("Deleting").contains(keys.resolve("server/data").toString())
                .contains(keys.resolve("users/alice/state").toString());
        assertThat(keys.resolve("server/data")).doesNotExist();
        assertThat(load(keys.resolve("directory.json")).current().users()).containsOnlyKeys("bob");
    }

    @Test
    void generateForceWithoutDataReplacesAsBefore() throws Exception {
        generate("alice:pass-alice\n");
        CliResult r = run("generate", "--dir", keys.toString(), "--force", "--users-file", file("u2.txt", "bob:pass-word\n").toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(load(keys.resolve("directory.json")).current().users()).containsOnlyKeys("bob");
    }

    // ------------------------------------------------------------------ user add

    @Test
    void userAddFromAUsersFileSignsOneVersionAndLeavesExistingKeysAlone() throws Exception {
        generate("alice:pass-alice\nbob:pass-bob1\n@admin:admin-pass\n");
        byte[] aliceKey = Files.readAllBytes(keys.resolve("users/alice/identity.key"));
        byte[] serverKey = Files.readAllBytes(keys.resolve("server/server.key"));
        byte[] adminKey = Files.readAllBytes(keys.resolve("admin/admin.key"));

        CliResult r = run("user", "add", "--dir", keys.toString(), "--users-file",
                file("new.txt", "@admin:admin-pass\ncarol:pass-carol\ndave:pass-dave\n").toString());

        assertThat(r.code()).as(r.err()).isZero();
        DirectoryLog log = load(keys.resolve("directory.json"));
        assertThat(log.number()).isEqualTo(2);
        assertThat(log.version(2).added()).containsOnlyKeys("carol", "dave");
        assertThat(log.current().users()).containsOnlyKeys("alice", "bob", "carol", "dave");
        assertAllCopiesEqualAuthoritative();
        assertThat(Files.readAllBytes(keys.resolve("users/alice/identity.key"))).isEqualTo(aliceKey);
        assertThat(Files.readAllBytes(keys.resolve("server/server.key"))).isEqualTo(serverKey);
        assertThat(Files.readAllBytes(keys.resolve("admin/admin.key"))).isEqualTo(adminKey);
        assertThat(UserBundle.load(keys.resolve("users/carol")).unlock("pass-carol".toCharArray()).principal())
                .isEqualTo(log.current().user("carol").orElseThrow());
        assertThat(perms(keys.resolve("users/carol"))).isEqualTo("rwx------");
        assertThat(perms(keys.resolve("users/carol/identity.key"))).isEqualTo("rw-------");
        assertThat(r.out()).contains("Directory version 2: added carol, dave")
                .contains(log.current().user("carol").orElseThrow().fingerprint())
                .contains(keys.resolve("users/carol").toString()).contains("within a few seconds");
        try (Stream<Path> s = Files.list(keys.resolve("users"))) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("alice", "bob", "carol", "dave");
        }
    }

    @Test
    void userAddOfANameInTheDirectoryIsRefused() throws Exception {
        generate("alice:pass-alice\n");
        byte[] before = Files.readAllBytes(keys.resolve("directory.json"));

        CliResult r = run("user", "add", "--dir", keys.toString(), "--users-file", file("new.txt", "alice:other-pass\n").toString());

        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("'alice' is in the directory already").contains("chat user remove first");
        assertThat(Files.readAllBytes(keys.resolve("directory.json"))).isEqualTo(before);
    }

    @Test
    void userAddRefusesInvalidNamesAndAnExistingFolder() throws Exception {
        generate("alice:pass-alice\n");
        CliResult invalid = run("user", "add", "--dir", keys.toString(), "--users-file", file("a.txt", "no/pe:pass-word\n").toString());
        assertThat(invalid.code()).isEqualTo(2);
        assertThat(invalid.err()).contains("invalid user name 'no/pe'");

        Files.createDirectories(keys.resolve("users/zed"));
        CliResult folder = run("user", "add", "--dir", keys.toString(), "--users-file", file("b.txt", "zed:pass-word\n").toString());
        assertThat(folder.code()).isEqualTo(1);
        assertThat(folder.err()).contains(keys.resolve("users/zed") + " exists");
        assertThat(load(keys.resolve("directory.json")).number()).isEqualTo(1);
    }

    @Test
    void aWrongAdminPasswordIsRefusedAndAMissingOneNamesTheWaysToGiveIt() throws Exception {
        generate("alice:pass-alice\n@admin:admin-pass\n");
        byte[] before = Files.readAllBytes(keys.resolve("directory.json"));

        CliResult wrong = run("user", "add", "--dir", keys.toString(), "--admin-password-file",
                file("wrong.txt", "nope\n").toString(), "--users-file", file("n.txt", "bob:pass-word\n").toString());
        assertThat(wrong.code()).isEqualTo(3);
        assertThat(wrong.err()).contains("wrong password for the admin key");

        CliResult missing = run("user", "remove", "--dir", keys.toString(), "alice");
        assertThat(missing.code()).isEqualTo(3);
        assertThat(missing.err()).contains("--admin-password-file").contains("CHAT_ADMIN_PASSWORD").contains("@admin:");
        assertThat(Files.readAllBytes(keys.resolve("directory.json"))).isEqualTo(before);
        assertThat(keys.resolve("users/bob")).doesNotExist();
    }

    @Test
    void userAddAdmitsAKeyRequestWithoutEverSeeingThePrivateKey() throws Exception {
        generate("alice:pass-alice\n");
        Path home = tmp.resolve("dave-home");
        CliResult kg = run("keygen", "--dir", home.toString(), "--user", "dave", "--password-file",
                file("dave.txt", "pass-dave\n").toString());
        assertThat(kg.code()).as(kg.err()).isZero();
        assertThat(perms(home)).isEqualTo("rwx------");
        assertThat(perms(home.resolve("identity.key"))).isEqualTo("rw-------");
        assertThat(kg.out()).contains("chat user add --dir KEYS --request dave.request.json")
                .contains("chat client --dir " + home);
        CliResult again = run("keygen", "--dir", home.toString(), "--user", "dave", "--password-file",
                tmp.resolve("dave.txt").toString());
        assertThat(again.code()).isEqualTo(1);
        assertThat(again.err()).contains("identity.key exists already");

        CliResult r = run("user", "add", "--dir", keys.toString(), "--request", home.resolve("dave.request.json").toString());

        assertThat(r.code()).as(r.err()).isZero();
        DirectoryLog log = load(keys.resolve("directory.json"));
        assertThat(log.number()).isEqualTo(2);
        try (Stream<Path> s = Files.list(keys.resolve("users/dave"))) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("directory.json");
        }
        byte[] privateKey = Files.readAllBytes(home.resolve("identity.key"));
        try (Stream<Path> s = Files.walk(keys)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                assertThat(Files.readAllBytes(p)).as(p.toString()).isNotEqualTo(privateKey);
                assertThat(Files.readString(p)).as(p.toString()).doesNotContain("\"user\": \"dave\"");
            }
        }
        // dave copies the admin's directory into his folder and logs in with his own key
        Files.copy(keys.resolve("directory.json"), home.resolve("directory.json"));
        UserBundle bundle = UserBundle.load(home);
        assertThat(bundle.unlock("pass-dave".toCharArray()).principal()).isEqualTo(log.current().user("dave").orElseThrow());
    }

    @Test
    void aTamperedKeyRequestIsRefused() throws Exception {
        generate("alice:pass-alice\n");
        Path home = tmp.resolve("eve-home");
        assertThat(run("keygen", "--dir", home.toString(), "--user", "eve", "--password-file",
                file("eve.txt", "pass-eve1\n").toString()).code()).isZero();
        Path request = home.resolve("eve.request.json");
        // another key under eve's signature: the fingerprint is recomputed so only the signature can catch it
        Principal other = IdentityKeys.generate("eve").principal();
        String json = Files.readString(request);
        String b64 = Base64.getEncoder().encodeToString(other.signingKey().bytes());
        json = json.replaceAll("\"signingKey\": \"[^\"]*\"", "\"signingKey\": \"" + b64 + "\"")
                .replaceAll("\"agreementKey\": \"[^\"]*\"", "\"agreementKey\": \""
                        + Base64.getEncoder().encodeToString(other.agreementKey().bytes()) + "\"")
                .replaceAll("\"fingerprint\": \"[^\"]*\"", "\"fingerprint\": \"" + other.fingerprint() + "\"");
        Files.writeString(request, json);
        byte[] before = Files.readAllBytes(keys.resolve("directory.json"));

        CliResult r = run("user", "add", "--dir", keys.toString(), "--request", request.toString());

        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("the key request is refused").contains("not signed by the key it carries");
        assertThat(Files.readAllBytes(keys.resolve("directory.json"))).isEqualTo(before);
        assertThat(keys.resolve("users/eve")).doesNotExist();
    }

    // ------------------------------------------------------------------ user remove, list, re-add

    @Test
    void userRemoveRevokesAndLeavesTheBundleFolder() throws Exception {
        generate("alice:pass-alice\nbob:pass-bob1\n");

        CliResult r = run("user", "remove", "--dir", keys.toString(), "bob");

        assertThat(r.code()).as(r.err()).isZero();
        DirectoryLog log = load(keys.resolve("directory.json"));
        assertThat(log.number()).isEqualTo(2);
        assertThat(log.isRevoked("bob")).isTrue();
        assertThat(log.current().users()).containsOnlyKeys("alice");
        assertAllCopiesEqualAuthoritative();
        assertThat(keys.resolve("users/bob/identity.key")).exists();
        assertThat(r.out()).contains("Directory version 2: removed bob").contains("no longer logs in");

        CliResult unknown = run("user", "remove", "--dir", keys.toString(), "carol");
        assertThat(unknown.code()).isEqualTo(1);
        assertThat(unknown.err()).contains("'carol' is not in the directory");
        CliResult twice = run("user", "remove", "--dir", keys.toString(), "bob");
        assertThat(twice.err()).contains("'bob' was removed already (directory version 2)");

        CliResult list = run("user", "list", "--dir", keys.toString());
        assertThat(list.code()).as(list.err()).isZero();
        assertThat(list.out()).contains("version 2, head " + java.util.HexFormat.of().formatHex(log.head(), 0, 8))
                .contains("alice").contains(log.current().user("alice").orElseThrow().fingerprint())
                .contains("(since version 1)").contains("Removed:").contains("bob  (version 2)")
                .contains(Problems.adminFingerprint(log.admin()));
    }

    @Test
    void aRemovedUserAddedAgainGetsANewBundleAndTheOldOneIsMovedAside() throws Exception {
        generate("alice:pass-alice\nbob:pass-bob1\n");
        byte[] oldKey = Files.readAllBytes(keys.resolve("users/bob/identity.key"));
        assertThat(run("user", "remove", "--dir", keys.toString(), "bob").code()).isZero();

        CliResult r = run("user", "add", "--dir", keys.toString(), "--users-file", file("b.txt", "bob:new-pass\n").toString());

        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains(keys.resolve("users/bob.revoked-2").toString());
        assertThat(Files.readAllBytes(keys.resolve("users/bob.revoked-2/identity.key"))).isEqualTo(oldKey);
        DirectoryLog log = load(keys.resolve("directory.json"));
        assertThat(log.number()).isEqualTo(3);
        assertThat(UserBundle.load(keys.resolve("users/bob")).unlock("new-pass".toCharArray()).principal())
                .isEqualTo(log.current().user("bob").orElseThrow());
    }

    @Test
    void aRunInterruptedAfterWritingSomeCopiesIsContinuedNotSignedAgain() throws Exception {
        generate("alice:pass-alice\nbob:pass-bob1\n");
        // as if a remove had written the server's copy of version 2 and then stopped
        DirectoryLog v1 = load(keys.resolve("directory.json"));
        Path adminKey = keys.resolve("admin/admin.key");
        IdentityKeys admin = UserKeyFile.loadAdmin(adminKey).unlock(new char[0], adminKey);
        DirectoryLog v2 = v1.sign(admin, Map.of(), Set.of("bob"), 1L);
        v2.replace(keys.resolve("server/directory.json"));

        CliResult r = run("user", "add", "--dir", keys.toString(), "--users-file", file("c.txt", "carol:pass-carol\n").toString());

        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).contains("interrupted");
        DirectoryLog log = load(keys.resolve("directory.json"));
        assertThat(log.number()).isEqualTo(3);
        assertThat(log.version(2).sameAs(v2.version(2))).isTrue();
        assertThat(log.current().users()).containsOnlyKeys("alice", "carol");
        assertAllCopiesEqualAuthoritative();
    }

    // ------------------------------------------------------------------ passwd

    @Test
    void passwdChangesAUsersPassword() throws Exception {
        generate("alice:old-pass\n");
        Path bundle = keys.resolve("users/alice");

        CliResult r = run("passwd", "--dir", bundle.toString(), "--password-file", file("old.txt", "old-pass\n").toString(),
                "--new-password-file", file("new.txt", "new-pass\n").toString());

        assertThat(r.code()).as(r.err()).isZero();
        UserBundle loaded = UserBundle.load(bundle);
        assertThat(loaded.unlock("new-pass".toCharArray()).principal()).isEqualTo(loaded.principal());
        try {
            loaded.unlock("old-pass".toCharArray());
            throw new AssertionError("the old password still opens the key");
        } catch (IdentityFileException e) {
            assertThat(e.reason()).isEqualTo(IdentityFileException.Reason.WRONG_PASSWORD);
        }
        assertThat(perms(bundle.resolve("identity.key"))).isEqualTo("rw-------");
    }

    @Test
    void passwdChangesTheAdminPasswordAndUserAddThenNeedsIt() throws Exception {
        generate("alice:pass-alice\n");
        Path adminDir = keys.resolve("admin");

        CliResult r = run("passwd", "--dir", adminDir.toString(), "--password-file", file("old.txt", "\n").toString(),
                "--new-password-file", file("new.txt", "admin-pass\n").toString());

        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("the admin key");
        Path adminKey = adminDir.resolve("admin.key");
        assertThat(UserKeyFile.loadAdmin(adminKey).unlock("admin-pass".toCharArray(), adminKey).signing().publicKey())
                .isEqualTo(load(keys.resolve("directory.json")).admin());
        assertThat(run("user", "remove", "--dir", keys.toString(), "alice").code()).isEqualTo(3);
        env.put("CHAT_ADMIN_PASSWORD", "admin-pass");
        assertThat(run("user", "remove", "--dir", keys.toString(), "alice").code()).isZero();
    }

    @Test
    void passwdWithAWrongOldPasswordLeavesTheFileAsItWas() throws Exception {
        generate("alice:old-pass\n");
        Path key = keys.resolve("users/alice/identity.key");
        byte[] before = Files.readAllBytes(key);

        CliResult r = run("passwd", "--dir", keys.resolve("users/alice").toString(), "--password-file",
                file("old.txt", "guess\n").toString(), "--new-password-file", file("new.txt", "new-pass\n").toString());

        assertThat(r.code()).isEqualTo(3);
        assertThat(r.err()).contains("wrong password");
        assertThat(Files.readAllBytes(key)).isEqualTo(before);
    }

    @Test
    void passwdRefusesAnEmptyNewPassword() throws Exception {
        generate("alice:old-pass\n");
        Path key = keys.resolve("users/alice/identity.key");
        byte[] before = Files.readAllBytes(key);
        CliResult r = run("passwd", "--dir", keys.resolve("users/alice").toString(), "--password-file",
                file("old.txt", "old-pass\n").toString(), "--new-password-file", file("new.txt", "\n").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(Files.readAllBytes(key)).isEqualTo(before);
    }

    @Test
    void generateUnderAFileFailsWithTheReasonBeforeAnyKeyIsComputed() throws Exception {
        Path plain = file("plain", "x");
        Path target = plain.resolve("sub/keys");
        CliResult r = run("generate", "--dir", target.toString(), "--users-file",
                file("users.txt", "alice:pass-alice\n").toString());

        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("chat: cannot create " + target + ": " + plain + " is a file, not a folder\n");
    }

    @Test
    void generateIntoAReadOnlyFolderFailsWithTheReasonBeforeAnyKeyIsComputed() throws Exception {
        Path readOnly = Files.createDirectories(tmp.resolve("read-only"));
        Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            Assumptions.assumeFalse(Files.isWritable(readOnly), "running as root: permission bits do not stop root");
            Path users = file("users.txt", "alice:pass-alice\n");

            CliResult r = run("generate", "--dir", readOnly.resolve("keys").toString(), "--users-file", users.toString());
            assertThat(r.code()).isEqualTo(1);
            assertThat(r.err()).endsWith("chat: cannot write in " + readOnly + ": permission denied\n")
                    .doesNotContain("Creating");

            CliResult below = run("generate", "--dir", readOnly.resolve("a/keys").toString(), "--users-file", users.toString());
            assertThat(below.code()).isEqualTo(1);
            assertThat(below.err()).endsWith("chat: cannot create " + readOnly.resolve("a") + ": permission denied\n");
        } finally {
            Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("rwx------"));
        }
    }

    // ------------------------------------------------------------------ password length and password files

    private static final String TOO_SHORT = "is too short";

    @Test
    void generateRefusesAUserPasswordBelowTheMinimumBeforeMakingAnything() throws Exception {
        CliResult r = run("generate", "--dir", keys.toString(), "--users-file",
                file("users.txt", "alice:pass-alice\nbob:b0b\n").toString());

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("chat: the password for user 'bob' in " + tmp.resolve("users.txt") + " " + TOO_SHORT
                + " (3 characters): a new key needs at least 8");
        assertThat(r.err()).doesNotContain("Creating");
        assertThat(keys).doesNotExist();
    }

    @Test
    void thePasswordLengthCountsCharactersNotJavaChars() throws Exception {
        String fourEmoji = "\uD83D\uDE00".repeat(4); // 8 UTF-16 chars, 4 characters
        CliResult shortOne = run("generate", "--dir", keys.toString(), "--users-file",
                file("users.txt", "alice:" + fourEmoji + "\n").toString());
        assertThat(shortOne.code()).isEqualTo(2);
        assertThat(shortOne.err()).contains("(4 characters)");

        generate("alice:" + "\u00e9".repeat(8) + "\n");
        assertThat(UserBundle.load(keys.resolve("users/alice")).unlock("\u00e9".repeat(8).toCharArray()).name())
                .isEqualTo("alice");
    }

    @Test
    void aShortAdminPasswordIsRefusedButNoneAtAllStillOnlyWarns() throws Exception {
        CliResult r = run("generate", "--dir", keys.toString(), "--users-file",
                file("users.txt", "alice:pass-alice\n@admin:admin\n").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("the password for the admin key " + TOO_SHORT + " (5 characters)");
        assertThat(keys).doesNotExist();

        env.put("CHAT_ADMIN_PASSWORD", "1234567");
        assertThat(run("generate", "--dir", keys.toString(), "--users-file", tmp.resolve("users.txt").toString())
                .err()).contains("the admin key " + TOO_SHORT);
        env.clear();
        CliResult empty = generate("alice:pass-alice\n");
        assertThat(empty.err()).contains("has no password");
    }

    @Test
    void userAddKeygenAndPasswdRefuseAShortPasswordForANewKey() throws Exception {
        generate("alice:pass-alice\n");
        byte[] directory = Files.readAllBytes(keys.resolve("directory.json"));

        CliResult add = run("user", "add", "--dir", keys.toString(), "--users-file", file("b.txt", "bob:bob\n").toString());
        assertThat(add.code()).isEqualTo(2);
        assertThat(add.err()).contains("the password for user 'bob' in " + tmp.resolve("b.txt") + " " + TOO_SHORT);
        assertThat(Files.readAllBytes(keys.resolve("directory.json"))).isEqualTo(directory);

        Path home = tmp.resolve("dave-home");
        CliResult keygen = run("keygen", "--dir", home.toString(), "--user", "dave", "--password-file",
                file("dave.txt", "dave\n").toString());
        assertThat(keygen.code()).isEqualTo(2);
        assertThat(keygen.err()).contains("the password for user 'dave' in " + tmp.resolve("dave.txt") + " " + TOO_SHORT);
        assertThat(home).doesNotExist();

        // an unusable place is named before the password is read (here: a file that does not exist)
        Path blocker = Files.writeString(tmp.resolve("a-file"), "not a folder");
        CliResult blocked = run("keygen", "--dir", blocker.resolve("dave").toString(), "--user", "dave", "--password-file",
                tmp.resolve("no-such-password-file").toString());
        assertThat(blocked.code()).as(blocked.err()).isEqualTo(1);
        assertThat(blocked.err()).contains("cannot create " + blocker.resolve("dave") + ": " + blocker
                + " is a file, not a folder").doesNotContain("no-such-password-file");

        Path key = keys.resolve("users/alice/identity.key");
        byte[] before = Files.readAllBytes(key);
        CliResult passwd = run("passwd", "--dir", keys.resolve("users/alice").toString(), "--password-file",
                file("old.txt", "pass-alice\n").toString(), "--new-password-file", file("new.txt", "1234567\n").toString());
        assertThat(passwd.code()).isEqualTo(2);
        assertThat(passwd.err()).contains("the password for alice in " + tmp.resolve("new.txt") + " " + TOO_SHORT
                + " (7 characters): a new key needs at least 8");
        assertThat(Files.readAllBytes(key)).isEqualTo(before);
    }

    @Test
    void aKeySealedEarlierWithAShortPasswordStillOpensAndMayGetALongerOne() throws Exception {
        generate("alice:pass-alice\n");
        Path key = keys.resolve("users/alice/identity.key");
        UserKeyFile file = UserKeyFile.load(key);
        // as an older chat passwd, without the minimum, left it
        file.reseal(file.unlock("pass-alice".toCharArray(), key), "pw".toCharArray()).replace(key);

        // what chat client does when logging in: no minimum applies to an existing key
        assertThat(UserBundle.load(keys.resolve("users/alice")).unlock("pw".toCharArray()).name()).isEqualTo("alice");
        CliResult r = run("passwd", "--dir", keys.resolve("users/alice").toString(), "--password-file",
                file("old.txt", "pw\n").toString(), "--new-password-file", file("new.txt", "longer-pw\n").toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(UserBundle.load(keys.resolve("users/alice")).unlock("longer-pw".toCharArray()).name()).isEqualTo("alice");
    }

    @Test
    void passwordFilesOthersMayReadAreWarnedAboutAndPrivateOnesAreNot() throws Exception {
        Path users = file("users.txt", "alice:pass-alice\n");
        Path admin = file("admin.txt", "admin-pass\n");
        Files.setPosixFilePermissions(users, PosixFilePermissions.fromString("rw-r--r--"));
        Files.setPosixFilePermissions(admin, PosixFilePermissions.fromString("rw-r-----"));

        CliResult open = run("generate", "--dir", keys.toString(), "--users-file", users.toString(),
                "--admin-password-file", admin.toString());
        assertThat(open.code()).as(open.err()).isZero();
        assertThat(open.err()).contains("chat: warning: " + users + " (a file of passwords) can be read or changed by"
                + " other users (mode rw-r--r--); make it private: chmod 600 " + users);
        assertThat(open.err()).contains("chat: warning: " + admin + " (a file of passwords)").contains("chmod 600 " + admin);

        Files.setPosixFilePermissions(users, PosixFilePermissions.fromString("rw-------"));
        Files.setPosixFilePermissions(admin, PosixFilePermissions.fromString("rw-------"));
        CliResult closed = run("generate", "--dir", tmp.resolve("keys2").toString(), "--users-file", users.toString(),
                "--admin-password-file", admin.toString());
        assertThat(closed.code()).as(closed.err()).isZero();
        assertThat(closed.err()).doesNotContain("warning");

        Path old = file("old.txt", "pass-alice\n");
        Path fresh = file("new.txt", "new-pass-alice\n");
        Files.setPosixFilePermissions(old, PosixFilePermissions.fromString("rw-------"));
        Files.setPosixFilePermissions(fresh, PosixFilePermissions.fromString("rw-rw-rw-"));
        CliResult passwd = run("passwd", "--dir", keys.resolve("users/alice").toString(), "--password-file", old.toString(),
                "--new-password-file", fresh.toString());
        assertThat(passwd.code()).as(passwd.err()).isZero();
        assertThat(passwd.err()).contains("chmod 600 " + fresh).doesNotContain("chmod 600 " + old);
    }

    // ------------------------------------------------------------------ upgrade

    @Test
    void upgradeSignsAFormat1TreeWithTheSameKeys() throws Exception {
        generate("alice:pass-alice\nbob:pass-bob1\n");
        DirectoryLog original = load(keys.resolve("directory.json"));
        writeFormat1Tree(original);
        CliResult outdated = run("user", "list", "--dir", keys.toString());
        assertThat(outdated.code()).isEqualTo(1);
        assertThat(outdated.err()).contains("chat user upgrade --dir " + keys);

        CliResult r = run("user", "upgrade", "--dir", keys.toString(), "--admin-password-file",
                file("admin.txt", "admin-pass\n").toString());

        assertThat(r.code()).as(r.err()).isZero();
        DirectoryLog log = load(keys.resolve("directory.json"));
        assertThat(log.number()).isEqualTo(1);
        assertThat(log.server()).isEqualTo(original.server());
        assertThat(log.current().users()).isEqualTo(original.current().users());
        assertAllCopiesEqualAuthoritative();
        Path adminKey = keys.resolve("admin/admin.key");
        assertThat(UserKeyFile.loadAdmin(adminKey).unlock("admin-pass".toCharArray(), adminKey).signing().publicKey())
                .isEqualTo(log.admin());
        assertThat(UserBundle.load(keys.resolve("users/alice")).unlock("pass-alice".toCharArray()).principal())
                .isEqualTo(original.current().user("alice").orElseThrow());
        assertThat(r.out()).contains("Copy " + keys.resolve("directory.json"));

        CliResult again = run("user", "upgrade", "--dir", keys.toString());
        assertThat(again.code()).isEqualTo(1);
        assertThat(again.err()).contains("format 2");
    }

    /** Rewrites every directory.json as the format-1 file of docs/files.md and removes the admin key. */
    private void writeFormat1Tree(DirectoryLog log) throws IOException {
        StringBuilder users = new StringBuilder();
        for (Principal p : log.current().users().values()) {
            users.append(users.isEmpty() ? "" : ",").append('"').append(p.name()).append("\":").append(principal(p));
        }
        String json = "{\"format\":\"chat-directory\",\"server\":" + principal(log.server()) + ",\"users\":{" + users
                + "},\"version\":1}\n";
        for (Path copy : directoryCopies()) {
            Files.writeString(copy, json);
        }
        TreeWriter.deleteQuietly(keys.resolve("admin"));
    }

    private static String principal(Principal p) {
        Base64.Encoder b64 = Base64.getEncoder();
        return "{\"agreementKey\":\"" + b64.encodeToString(p.agreementKey().bytes()) + "\",\"fingerprint\":\""
                + p.fingerprint() + "\",\"signingKey\":\"" + b64.encodeToString(p.signingKey().bytes()) + "\"}";
    }

    @Test
    void helpExplainsEveryNewCommand() {
        for (String[] args : List.of(new String[] {"user", "add", "--help"}, new String[] {"user", "remove", "--help"},
                new String[] {"user", "list", "--help"}, new String[] {"user", "upgrade", "--help"},
                new String[] {"keygen", "--help"}, new String[] {"passwd", "--help"})) {
            CliResult r = run(args);
            assertThat(r.code()).isZero();
            assertThat(r.out()).contains("Usage: chat " + String.join(" ", List.of(args).subList(0, args.length - 1)));
        }
    }
}
