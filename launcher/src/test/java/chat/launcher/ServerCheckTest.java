package chat.launcher;

import static chat.launcher.CliResult.run;
import static org.assertj.core.api.Assertions.assertThat;

import chat.crypto.Argon2Params;
import chat.storage.EntryStore;
import chat.storage.StoreOptions;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code chat server --check}: one line per check, exit 1 on a problem, and nothing changed on disk. */
class ServerCheckTest {

    @TempDir
    Path tmp;

    private Path server;


    @BeforeEach
    void bundle() throws IOException {
        PasswordSource.kdf = new Argon2Params(64, 1, 1); // tests only: the real cost is Argon2Params.DEFAULT
        PasswordSource.terminal = () -> null;
        Path users = tmp.resolve("users.txt");
        Files.writeString(users, "alice:alice-password\n", StandardCharsets.UTF_8);
        CliResult r = run("generate", "--dir", tmp.resolve("keys").toString(), "--users-file", users.toString());
        assertThat(r.code()).as(r.err()).isZero();
        server = tmp.resolve("keys/server");
    }

    @AfterEach
    void restore() {
        PasswordSource.kdf = Argon2Params.DEFAULT;
        PasswordSource.terminal = System::console;
    }

    private CliResult check(String... more) {
        List<String> args = new ArrayList<>(List.of("server", "--check", "--dir", server.toString()));
        args.addAll(List.of(more));
        return run(args.toArray(String[]::new));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void aGoodFolderPassesEveryCheckAndCreatesNothing() throws IOException {
        int port = freePort();
        CliResult r = check("--listen", "127.0.0.1:" + port);
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).contains("ok: server bundle " + server + ": 1 user, directory version 1",
                "ok: data folder " + server.resolve("data") + ": not there yet: the server creates it",
                "ok: listen address 127.0.0.1:" + port + " is free");
        assertThat(r.out()).containsPattern("(ok|warning): the data folder's disk has ");
        assertThat(r.out()).containsPattern("(ok: open-file limit|warning: the open-file limit)");
        assertThat(r.out().lines().filter(l -> l.startsWith("problem:"))).isEmpty();
        assertThat(server.resolve("data")).doesNotExist();
    }

    @Test
    void aPortInUseIsAProblem() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CliResult r = check("--listen", "127.0.0.1:" + taken.getLocalPort());
            assertThat(r.code()).isEqualTo(1);
            assertThat(r.out()).contains("problem: cannot listen on 127.0.0.1:" + taken.getLocalPort()
                    + ": address in use");
            assertThat(r.err()).contains("chat: the server would not start as it is: 1 problem (see above)");
        }
    }

    @Test
    void aMissingBundleIsAProblemAndTheOtherChecksStillRun() {
        CliResult r = run("server", "--check", "--dir", tmp.resolve("nowhere").toString(), "--listen", "127.0.0.1:0");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).contains("problem: server bundle " + tmp.resolve("nowhere") + " does not exist",
                "ok: listen address 127.0.0.1:0 is free");
    }

    @Test
    void aDamagedServerKeyIsAProblem() throws IOException {
        Files.writeString(server.resolve(chat.protocol.identity.ServerKeyFile.FILE_NAME), "not a key");
        CliResult r = check("--listen", "127.0.0.1:0");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).contains("problem: cannot load the server bundle: ");
    }

    @Test
    void aServerKeyOthersCanReadIsAWarning() throws IOException {
        Path key = server.resolve(chat.protocol.identity.ServerKeyFile.FILE_NAME);
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
        CliResult r = check("--listen", "127.0.0.1:0");
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).contains("warning: " + key + " (the server's private key, not encrypted) can be read");
        assertThat(r.out()).containsPattern("the server can start; \\d+ warnings? above");
    }

    @Test
    void aDataFolderInUseOrOfANewerFormatOrAFileIsAProblem() throws Exception {
        Path data = server.resolve("data");
        try (EntryStore held = EntryStore.open(StoreOptions.defaults(data))) {
            CliResult r = check("--listen", "127.0.0.1:0");
            assertThat(r.code()).isEqualTo(1);
            assertThat(r.out()).contains("problem: data folder: data directory ").contains("is in use by another server");
        }
        CliResult free = check("--listen", "127.0.0.1:0");
        assertThat(free.code()).as(free.toString()).isZero();
        assertThat(free.out()).contains("ok: data folder " + data + ": ");

        Files.writeString(data.resolve("FORMAT"), "chat.storage format 99\n");
        CliResult newer = check("--listen", "127.0.0.1:0");
        assertThat(newer.code()).isEqualTo(1);
        assertThat(newer.out()).contains("problem: data folder: " + data.toRealPath().resolve("FORMAT")
                + " says \"chat.storage format 99\"");

        Path file = Files.writeString(tmp.resolve("plain-file"), "x");
        CliResult notFolder = check("--listen", "127.0.0.1:0", "--data", file.toString());
        assertThat(notFolder.code()).isEqualTo(1);
        assertThat(notFolder.out()).contains("problem: data folder: " + file + " is not a folder");
        CliResult under = check("--listen", "127.0.0.1:0", "--data", file.resolve("data").toString());
        assertThat(under.code()).isEqualTo(1);
        assertThat(under.out()).contains("problem: data folder: " + file.resolve("data") + " does not exist and cannot be"
                + " created: " + file + " is not a folder this user may write");
    }

    @Test
    void storageLimitsBeyondTheFreeDiskAreWarnings() {
        CliResult reserve = check("--listen", "127.0.0.1:0", "--min-free-disk", "1000000T");
        assertThat(reserve.code()).as(reserve.toString()).isZero();
        assertThat(reserve.out()).contains("less than --min-free-disk 977K"
                .replace("977K", ByteSize.format(ByteSize.parse("1000000T", "x"))))
                .contains("new messages, channels and invitations would be refused");
        CliResult total = check("--listen", "127.0.0.1:0", "--max-storage", "1000000T");
        assertThat(total.code()).as(total.toString()).isZero();
        assertThat(total.out()).contains("before --max-storage " + ByteSize.format(ByteSize.parse("1000000T", "x"))
                + " is reached");
    }

    @Test
    void badOptionsAreUsageErrorsAsWhenStarting() {
        CliResult r = check("--max-frame-bytes", "12");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--max-frame-bytes: 12 is out of range");
        CliResult repair = check("--repair-journal");
        assertThat(repair.code()).isEqualTo(2);
        assertThat(repair.err()).contains("--check changes nothing");
    }

    @Test
    void theDescriptorBudgetClampsWarnsAndRefusesAsTheServerDoes() {
        var roomy = new ServerCommand.DescriptorBudget(65536, 16384);
        assertThat(roomy.clamped()).isFalse();
        assertThat(roomy.connections()).isEqualTo(16384);
        var small = new ServerCommand.DescriptorBudget(768, 16384);
        assertThat(small.clamped()).isTrue();
        assertThat(small.connections()).isEqualTo(512);
        assertThat(small.clampedSentence()).contains("serving at most 512 connections instead of 16384");
        assertThat(new ServerCommand.DescriptorBudget(300, 10).tooSmall()).isTrue();
        var unknown = new ServerCommand.DescriptorBudget(-1, 16384);
        assertThat(unknown.known() || unknown.clamped() || unknown.tooSmall()).isFalse();
        assertThat(unknown.connections()).isEqualTo(16384);
    }

    @Test
    void sizesAreWrittenTheWayTheyAreRead() {
        assertThat(ByteSize.format(512)).isEqualTo("512");
        assertThat(ByteSize.format(256L << 20)).isEqualTo("256M");
        assertThat(ByteSize.format(3L << 29)).isEqualTo("1.5G");
        assertThat(ByteSize.format(ByteSize.parse("2T", "x"))).isEqualTo("2T");
    }
}
