package chat.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code chat server --check} on the image: a good folder passes (exit 0) and stays as it
 * was; a port in use, a missing or unusable folder, a data folder a running server holds
 * and an unreachable database are problems (exit 1), each said on a line of its own.
 */
class ServerCheckE2ETest {

    private final ChatImage chat = ChatImage.fromSystemProperty();

    @TempDir
    Path tmp;

    private ChatImage.Result check(Path serverDir, String... more) {
        List<String> args = new ArrayList<>(List.of("server", "--check", "--dir", serverDir.toString()));
        args.addAll(List.of(more));
        return chat.run(args, null, Map.of());
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void aGoodFolderPassesAndAPortInUseOrAMissingFolderDoesNot() throws Exception {
        try (ClientFixture f = new ClientFixture(chat, tmp, "alice", "bob")) {
            int port = freePort();
            ChatImage.Result good = check(f.serverDir(), "--listen", "127.0.0.1:" + port);
            assertThat(good.exitCode()).as(good.toString()).isZero();
            assertThat(good.stdout()).contains("ok: server bundle " + f.serverDir() + ": 2 users, directory version 1",
                    "ok: data folder " + f.serverDir().resolve("data") + ": not there yet",
                    "ok: listen address 127.0.0.1:" + port + " is free");
            assertThat(good.stdout()).doesNotContain("problem:");
            assertThat(f.serverDir().resolve("data")).doesNotExist();

            try (ServerSocket taken = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                ChatImage.Result inUse = check(f.serverDir(), "--listen", "127.0.0.1:" + port);
                assertThat(inUse.exitCode()).isEqualTo(1);
                assertThat(inUse.stdout()).contains("problem: cannot listen on 127.0.0.1:" + port + ": address in use");
                assertThat(inUse.stderr()).contains("chat: the server would not start as it is: 1 problem");
            }

            ChatImage.Result missing = check(tmp.resolve("no-such-folder"), "--listen", "127.0.0.1:0");
            assertThat(missing.exitCode()).isEqualTo(1);
            assertThat(missing.stdout()).contains("problem: server bundle " + tmp.resolve("no-such-folder")
                    + " does not exist (create it with 'chat generate')");

            Path file = f.serverDir().resolve("directory.json");
            ChatImage.Result unusable = check(f.serverDir(), "--listen", "127.0.0.1:0", "--data", file.resolve("data").toString());
            assertThat(unusable.exitCode()).isEqualTo(1);
            assertThat(unusable.stdout()).contains("problem: data folder: " + file.resolve("data")
                    + " does not exist and cannot be created: " + file + " is not a folder this user may write");
        }
    }

    @Test
    void aRunningServersFolderIsInUse() throws Exception {
        try (ClientFixture f = new ClientFixture(chat, tmp, "alice")) {
            Path data = tmp.resolve("data");
            try (ServerProcess running = ServerProcess.start(chat, f.serverDir(), data)) {
                ChatImage.Result r = check(f.serverDir(), "--data", data.toString(), "--listen",
                        "127.0.0.1:" + running.address().getPort());
                assertThat(r.exitCode()).isEqualTo(1);
                assertThat(r.stdout()).contains("is in use by another server",
                        "problem: cannot listen on 127.0.0.1:" + running.address().getPort());
                assertThat(r.stderr()).contains("2 problems");
            }
            ChatImage.Result after = check(f.serverDir(), "--data", data.toString(), "--listen", "127.0.0.1:0");
            assertThat(after.exitCode()).as(after.toString()).isZero();
            assertThat(after.stdout()).contains("ok: data folder " + data + ": a journal of 1 segment");
        }
    }

    @Test
    void theDatabaseOfStoreIsReachedAndItsSchemaRead() throws Exception {
        PgCluster pg = PgCluster.get();
        String url = pg.newDatabase();
        Path password = PgCluster.passwordFile(tmp);
        try (ClientFixture f = new ClientFixture(chat, tmp, "alice")) {
            ChatImage.Result fresh = check(f.serverDir(), "--store", url, "--store-password-file", password.toString(),
                    "--listen", "127.0.0.1:0");
            assertThat(fresh.exitCode()).as(fresh.toString()).isZero();
            assertThat(fresh.stdout()).contains("ok: store " + url + ": reachable, no chat schema yet");
            assertThat(pg.queryLong(PgCluster.database(url),
                    "SELECT count(*) FROM pg_tables WHERE tablename LIKE 'chat_%'")).isZero(); // nothing created

            try (ServerProcess s = ServerProcess.withStore(chat, f.serverDir(), url, password)) {
                s.terminate();
                assertThat(s.awaitExit(java.time.Duration.ofSeconds(30))).isZero();
            }
            ChatImage.Result made = check(f.serverDir(), "--store", url, "--store-password-file", password.toString(),
                    "--listen", "127.0.0.1:0");
            assertThat(made.exitCode()).as(made.toString()).isZero();
            assertThat(made.stdout()).contains("reachable, chat schema version 1");

            pg.sql(PgCluster.database(url), "INSERT INTO chat_schema (version) VALUES (99)");
            ChatImage.Result newer = check(f.serverDir(), "--store", url, "--store-password-file", password.toString(),
                    "--listen", "127.0.0.1:0");
            assertThat(newer.exitCode()).isEqualTo(1);
            assertThat(newer.stdout()).contains("problem: store: ").contains("chat schema version 99, newer than this server's");

            ChatImage.Result wrong = chat.run(List.of("server", "--check", "--dir", f.serverDir().toString(), "--store",
                    url, "--listen", "127.0.0.1:0"), null, Map.of("PGPASSWORD", "not-the-password"));
            assertThat(wrong.exitCode()).isEqualTo(1);
            assertThat(wrong.stdout()).contains("problem: store: ").contains("refused the login of user chat");
        }
    }
}
