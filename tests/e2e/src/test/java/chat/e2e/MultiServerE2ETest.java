package chat.e2e;

import static chat.e2e.ClientProcess.event;
import static org.assertj.core.api.Assertions.assertThat;

import chat.protocol.json.JsonValue;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several servers on one PostgreSQL database (issue 15), all from the built image: two
 * {@code chat server --store postgresql://...} processes share the same server folder and
 * database; members on different servers chat, race for one channel's order, and a member
 * whose server is SIGKILLed fails over to the other with nothing acknowledged lost or
 * duplicated.
 */
@Timeout(value = 15, unit = java.util.concurrent.TimeUnit.MINUTES)
class MultiServerE2ETest {

    private final ChatImage chat = ChatImage.fromSystemProperty();

    @TempDir
    Path tmp;

    private static String at(ServerProcess s) {
        return "127.0.0.1:" + s.address().getPort();
    }

    private static ClientProcess client(ClientFixture f, String user, String servers) {
        ProcessBuilder pb = f.chat.command(List.of("client", "--dir", f.bundle(user).toString(), "--server", servers,
                "--frontend", "json"));
        pb.environment().put("CHAT_PASSWORD", f.passwords.get(user));
        return ClientProcess.start(user + "@" + servers, pb);
    }

    /** The texts of a channel's messages, as a client's history command returns them, in channel order. */
    private static List<String> texts(ClientProcess c, String channel, String id) {
        c.send("{\"cmd\":\"history\",\"channel\":\"" + channel + "\",\"limit\":0,\"id\":\"" + id + "\"}");
        ClientProcess.Event h = c.await("history " + id, event("history", "id", id), Duration.ofSeconds(120));
        List<String> texts = new ArrayList<>();
        for (JsonValue e : ((JsonValue.JsonArray) h.get("entries")).elements()) {
            if (((JsonValue.JsonObject) e).fields().get("text") instanceof JsonValue.JsonString t) {
                texts.add(t.value());
            }
        }
        return texts;
    }

    /** What explains a lost message: every event that is not a plain message or ack, and the servers' logs. */
    private static String diagnostics(ClientProcess alice, ClientProcess bob, ServerProcess s1, ServerProcess s2) {
        StringBuilder out = new StringBuilder();
        for (ClientProcess c : List.of(alice, bob)) {
            for (ClientProcess.Event e : c.events(e -> !"message".equals(e.type()) && !"ok".equals(e.type()))) {
                out.append(c).append(": ").append(e.line()).append('\n');
            }
            out.append("--- client stderr\n").append(c.stderr()).append('\n');
        }
        out.append("--- server 1\n").append(s1.stderr()).append("\n--- server 2\n").append(s2.stderr());
        return out.toString();
    }

    @Test
    void twoServersOnOneDatabaseShareChannelsOrderAndFailOver() throws Exception {
        PgCluster pg = PgCluster.get();
        String url = pg.newDatabase();
        Path password = PgCluster.passwordFile(tmp);
        try (ClientFixture f = new ClientFixture(chat, tmp, "alice", "bob", "carol");
             ServerProcess s1 = ServerProcess.withStore(chat, f.serverDir(), url, password);
             ServerProcess s2 = ServerProcess.withStore(chat, f.serverDir(), url, password)) {
            ClientProcess alice = client(f, "alice", at(s1) + "," + at(s2)).ready();
            ClientProcess bob = client(f, "bob", at(s2)).ready();

            // alice on server 1 creates and invites; bob on server 2 is told at once
            alice.ok("c", "{\"cmd\":\"create\",\"channel\":\"ops\"}");
            alice.ok("i", "{\"cmd\":\"invite\",\"channel\":\"ops\",\"user\":\"bob\"}");
            alice.ok("a1", "{\"cmd\":\"send\",\"channel\":\"ops\",\"text\":\"from server 1\"}");
            bob.await("alice's message via server 1", event("message", "text", "from server 1"));
            bob.ok("b1", "{\"cmd\":\"send\",\"channel\":\"ops\",\"text\":\"from server 2\"}");
            alice.await("bob's message via server 2", event("message", "text", "from server 2"));

            // both stream into the one channel at once: the servers race for each channelSeq
            int n = 60;
            for (int i = 1; i <= n; i++) {
                alice.send("{\"cmd\":\"send\",\"channel\":\"ops\",\"text\":\"a-" + i + "\",\"id\":\"a-" + i + "\"}");
                bob.send("{\"cmd\":\"send\",\"channel\":\"ops\",\"text\":\"b-" + i + "\",\"id\":\"b-" + i + "\"}");
            }
            alice.await("alice's last ack", event("ok", "id", "a-" + n), Duration.ofSeconds(180));
            bob.await("bob's last ack", event("ok", "id", "b-" + n), Duration.ofSeconds(180));
            bob.await("alice's last message at bob", event("message", "text", "a-" + n), Duration.ofSeconds(60));
            alice.await("bob's last message at alice", event("message", "text", "b-" + n), Duration.ofSeconds(60));
            List<String> atAlice = texts(alice, "ops", "h1");
            List<String> atBob = texts(bob, "ops", "h2");
            assertThat(atAlice).as("one order, seen alike on both servers\n%s", diagnostics(alice, bob, s1, s2))
                    .isEqualTo(atBob).hasSize(2 + 2 * n).doesNotHaveDuplicates();
            List<String> alicesOwn = atAlice.stream().filter(t -> t.startsWith("a-")).toList();
            assertThat(alicesOwn).as("alice's messages in the order sent")
                    .isEqualTo(java.util.stream.IntStream.rangeClosed(1, n).mapToObj(i -> "a-" + i).toList());

            // server 1 dies in the middle of alice's stream: she fails over to server 2
            int m = 80;
            for (int i = 1; i <= m; i++) {
                alice.send("{\"cmd\":\"send\",\"channel\":\"ops\",\"text\":\"k-" + i + "\",\"id\":\"k-" + i + "\"}");
            }
            alice.await("the stream flowing", event("ok", "id", "k-1"), Duration.ofSeconds(120));
            s1.kill();
            alice.await("alice's last ack, after the failover", event("ok", "id", "k-" + m), Duration.ofSeconds(240));
            bob.await("alice's last message at bob", event("message", "text", "k-" + m), Duration.ofSeconds(60));
            assertThat(alice.events(event("reconnected")).stream()
                    .map(e -> String.valueOf(e.get("server"))).toList())
                    .as("alice tried server 2 after server 1 died").anyMatch(s -> s.contains(at(s2)));
            List<String> after = texts(bob, "ops", "h3");
            List<String> killed = after.stream().filter(t -> t.startsWith("k-")).toList();
            assertThat(killed).as("every message of the stream once, in order, across the kill")
                    .isEqualTo(java.util.stream.IntStream.rangeClosed(1, m).mapToObj(i -> "k-" + i).toList());
            assertThat(texts(alice, "ops", "h4")).isEqualTo(after);

            // a third server started later: carol, invited by bob, gets the whole history there
            try (ServerProcess s3 = ServerProcess.withStore(chat, f.serverDir(), url, password)) {
                bob.ok("i2", "{\"cmd\":\"invite\",\"channel\":\"ops\",\"user\":\"carol\"}");
                ClientProcess carol = client(f, "carol", at(s3)).ready();
                carol.await("the channel's last message at carol", event("message", "text", "k-" + m),
                        Duration.ofSeconds(120));
                assertThat(texts(carol, "ops", "h5")).isEqualTo(after);
                carol.close();
            }
            long stored = pg.queryLong(PgCluster.database(url), "SELECT count(*) FROM chat_entries WHERE channel = 'ops'");
            assertThat(stored).as("entries in the database: creation, 2 invitations, messages")
                    .isEqualTo(3 + 2 + 2 * n + m);
            alice.close();
            bob.close();
        }
    }

    /**
     * The database fails one message of a pipelined stream (a trigger injects the failure
     * once): the server ends that connection with internalError, and nothing the client
     * pipelined behind the failed message is accepted before it. The client sends them all
     * again after reconnecting: every message once, in the order sent.
     */
    @Test
    void aRequestTheDatabaseFailsEndsItsConnectionAndNothingBehindItOvertakesIt() throws Exception {
        PgCluster pg = PgCluster.get();
        String url = pg.newDatabase();
        String db = PgCluster.database(url);
        Path password = PgCluster.passwordFile(tmp);
        try (ClientFixture f = new ClientFixture(chat, tmp, "alice", "bob");
             ServerProcess s1 = ServerProcess.withStore(chat, f.serverDir(), url, password)) {
            ClientProcess alice = client(f, "alice", at(s1)).ready();
            alice.ok("c", "{\"cmd\":\"create\",\"channel\":\"ops\"}");
            alice.ok("m0", "{\"cmd\":\"send\",\"channel\":\"ops\",\"text\":\"m-0\"}");
            long last = pg.queryLong(db, "SELECT max(user_seq) FROM chat_entries WHERE actor = 'alice'");
            pg.sql(db, "CREATE SEQUENCE fault_hits",
                    "CREATE FUNCTION fault() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                            + " IF NEW.actor = 'alice' AND NEW.user_seq = " + (last + 3)
                            + " AND nextval('fault_hits') = 1 THEN"
                            + " RAISE EXCEPTION USING ERRCODE = 'XX000', MESSAGE = 'injected by the test'; END IF;"
                            + " RETURN NEW; END $$",
                    "CREATE TRIGGER fault BEFORE INSERT ON chat_entries FOR EACH ROW EXECUTE FUNCTION fault()");
            int n = 10;
            for (int i = 1; i <= n; i++) {
                alice.send("{\"cmd\":\"send\",\"channel\":\"ops\",\"text\":\"m-" + i + "\",\"id\":\"m-" + i + "\"}");
            }
            for (int i = 1; i <= n; i++) {
                alice.await("the ack of m-" + i, event("ok", "id", "m-" + i), Duration.ofSeconds(120));
            }
            assertThat(pg.queryLong(db, "SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM fault_hits"))
                    .as("m-3 reached the database twice: failed, then accepted after the reconnection").isEqualTo(2);
            assertThat(alice.events(event("reconnected"))).as("the failure ended alice's connection").isNotEmpty();
            assertThat(texts(alice, "ops", "h")).as("every message once, in the order sent\n%s", alice.describe())
                    .isEqualTo(java.util.stream.IntStream.rangeClosed(0, n).mapToObj(i -> "m-" + i).toList());
            alice.close();
        }
    }

    /**
     * A server that freezes (SIGSTOP: its sockets stay open, nothing answers) is left for the
     * next address by the keep-alive, well before the old 90 s of silence: alice's message,
     * sent into the frozen connection, arrives once through the other server.
     */
    @Test
    void aFrozenServerIsLeftForTheNextAddressAndNothingIsLostOrRepeated() throws Exception {
        PgCluster pg = PgCluster.get();
        String url = pg.newDatabase();
        Path password = PgCluster.passwordFile(tmp);
        try (ClientFixture f = new ClientFixture(chat, tmp, "alice", "bob");
             ServerProcess s1 = ServerProcess.withStore(chat, f.serverDir(), url, password);
             ServerProcess s2 = ServerProcess.withStore(chat, f.serverDir(), url, password)) {
            ClientProcess alice = client(f, "alice", at(s1) + "," + at(s2)).ready();
            ClientProcess bob = client(f, "bob", at(s2)).ready();
            alice.ok("c", "{\"cmd\":\"create\",\"channel\":\"ops\"}");
            alice.ok("i", "{\"cmd\":\"invite\",\"channel\":\"ops\",\"user\":\"bob\"}");
            alice.ok("before", "{\"cmd\":\"send\",\"channel\":\"ops\",\"text\":\"before\"}");
            s1.freeze();
            try {
                long frozenAt = System.nanoTime();
                alice.send("{\"cmd\":\"send\",\"channel\":\"ops\",\"text\":\"while frozen\",\"id\":\"f\"}");
                // the keep-alive leaves a server silent for 20 s (a ping every 10 s): about 30 s; before,
                // 90 s of silence and then a 60 s login attempt at the frozen address again
                alice.await("alice on server 2", event("reconnected", "server", at(s2)), Duration.ofSeconds(75));
                long seconds = (System.nanoTime() - frozenAt) / 1_000_000_000L;
                System.out.printf("frozen server left after %d s%n", seconds);
                alice.await("the ack through server 2", event("ok", "id", "f"), Duration.ofSeconds(60));
                bob.await("the message at bob", event("message", "text", "while frozen"), Duration.ofSeconds(60));
                assertThat(texts(bob, "ops", "h")).as("once, after the one before").containsExactly("before", "while frozen");
            } finally {
                s1.thaw();
            }
            alice.close();
            bob.close();
        }
    }

    /**
     * The first login's catch-up through a server that freezes half-way is not the end of
     * the login: after 20 s of silence the client goes on through the next address, keeping
     * what the first one delivered, and gets the whole channel once.
     */
    @Test
    void aServerThatFreezesDuringTheFirstCatchUpIsLeftForTheNextAddress() throws Exception {
        PgCluster pg = PgCluster.get();
        String url = pg.newDatabase();
        Path password = PgCluster.passwordFile(tmp);
        try (ClientFixture f = new ClientFixture(chat, tmp, "alice", "bob");
             ServerProcess s1 = ServerProcess.withStore(chat, f.serverDir(), url, password);
             ServerProcess s2 = ServerProcess.withStore(chat, f.serverDir(), url, password)) {
            ClientProcess alice = client(f, "alice", at(s2)).ready();
            alice.ok("c", "{\"cmd\":\"create\",\"channel\":\"big\"}");
            alice.ok("i", "{\"cmd\":\"invite\",\"channel\":\"big\",\"user\":\"bob\"}");
            int n = 10_000; // several MB of replay: more than the sockets between them hold
            for (int i = 1; i <= n; i++) {
                alice.send("{\"cmd\":\"send\",\"channel\":\"big\",\"text\":\"message " + i
                        + " of a long history, long enough to take a while to replay\"" + (i == n ? ",\"id\":\"last\"" : "")
                        + "}");
            }
            alice.await("the last ack", event("ok", "id", "last"), Duration.ofSeconds(600));
            alice.close();

            ClientProcess bob = client(f, "bob", at(s1) + "," + at(s2));
            try {
                bob.await("bob catching up through server 1", event("connection", "state", "catchingUp", "server", at(s1)),
                        Duration.ofSeconds(120));
                s1.freeze();
                bob.await("bob catching up through server 2", event("connection", "state", "catchingUp", "server", at(s2)),
                        Duration.ofSeconds(120));
                bob.await("bob ready", event("ready"), Duration.ofSeconds(300));
            } finally {
                s1.thaw();
            }
            List<String> texts = texts(bob, "big", "h");
            assertThat(texts).as("the whole channel, once, in order").hasSize(n).doesNotHaveDuplicates();
            assertThat(texts.get(n - 1)).startsWith("message " + n + " ");
            bob.close();
        }
    }
}
