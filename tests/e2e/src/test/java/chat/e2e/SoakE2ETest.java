package chat.e2e;

import static chat.e2e.ClientProcess.event;
import static org.assertj.core.api.Assertions.assertThat;

import chat.protocol.json.JsonValue;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kill loop (attack review, "Soak, kill and fuzz"): three members stream numbered
 * messages into one channel from the built image's json clients while the server is
 * SIGKILLed at a random moment (0-0.6 s after the first echo of a cycle of 40 messages each), then restarted, again and again (clients are killed too,
 * keeping their queues on disk). At the end every message a client saw acknowledged is in
 * the channel exactly once, each sender's in the order sent, and no message at all appears
 * twice. The suite runs {@code chat.soak.kills} cycles (default 3); {@code scripts/soak N}
 * runs N and prints the figures that docs/reliability.md records.
 */
@Timeout(value = 120, unit = java.util.concurrent.TimeUnit.MINUTES)
class SoakE2ETest {

    private static final List<String> USERS = List.of("alice", "bob", "carol");
    private final ChatImage chat = ChatImage.fromSystemProperty();

    @TempDir
    Path tmp;

    @Test
    void everyAcknowledgedMessageSurvivesEveryKillExactlyOnceAndInOrder() throws Exception {
        soak("journal");
    }

    /** The same loop with the history in PostgreSQL (issue 15): the server is killed, the database is not. */
    @Test
    void everyAcknowledgedMessageSurvivesEveryKillOfAServerOnPostgresql() throws Exception {
        String url = PgCluster.get().newDatabase();
        soak("postgresql", "--store", url, "--store-password-file", PgCluster.passwordFile(tmp).toString());
    }

    private void soak(String store, String... serverOptions) throws Exception {
        int kills = Integer.getInteger("chat.soak.kills", 3);
        long seed = Long.getLong("chat.soak.seed", System.nanoTime());
        Random random = new Random(seed);
        Map<String, List<String>> acked = new LinkedHashMap<>();
        USERS.forEach(u -> acked.put(u, new ArrayList<>()));
        long started = System.nanoTime();
        int sent = 0;
        try (ClientFixture f = new ClientFixture(chat, tmp, USERS.toArray(String[]::new))) {
            f.startServer(serverOptions);
            ClientProcess alice = f.client("alice");
            alice.ok("c", "{\"cmd\":\"create\",\"channel\":\"soak\"}");
            alice.ok("i1", "{\"cmd\":\"invite\",\"channel\":\"soak\",\"user\":\"bob\"}");
            alice.ok("i2", "{\"cmd\":\"invite\",\"channel\":\"soak\",\"user\":\"carol\"}");
            alice.quit();
            for (int cycle = 1; cycle <= kills; cycle++) {
                if (cycle > 1) {
                    f.startServer(serverOptions);
                }
                Map<String, ClientProcess> clients = new HashMap<>();
                for (String user : USERS) {
                    // generous: a JVM start and a key unlock on a shared, busy machine
                    ClientProcess c = f.start(user, f.bundle(user));
                    c.await("ready", event("ready"), Duration.ofSeconds(180));
                    clients.put(user, c);
                }
                for (int i = 1; i <= 40; i++) {
                    for (String user : USERS) {
                        String text = user + "-" + cycle + "-" + i;
                        clients.get(user).send("{\"cmd\":\"send\",\"channel\":\"soak\",\"text\":\"" + text
                                + "\",\"id\":\"" + text + "\"}");
                        sent++;
                    }
                }
                // The kill comes at a random moment once the stream is flowing (the first echo
                // of the cycle is in), so that a slow, shared machine still kills mid-stream.
                long flowing = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (clients.values().stream().allMatch(c -> c.events(event("ok")).isEmpty())
                        && System.nanoTime() < flowing) {
                    Thread.sleep(10);
                }
                Thread.sleep(random.nextInt(600));
                f.killServer();
                for (String user : USERS) {
                    ClientProcess c = clients.get(user);
                    c.kill();
                    for (ClientProcess.Event ok : c.events(event("ok"))) {
                        if (ok.get("id") instanceof JsonValue.JsonString id) {
                            acked.get(user).add(id.value());
                        }
                    }
                }
            }
            f.startServer(serverOptions);
            ClientProcess reader = f.start("alice", f.bundle("alice"));
            reader.await("ready", event("ready"), Duration.ofSeconds(180));
            // the whole channel (over 10,000 entries after 100 cycles), read from disk and decrypted
            reader.send("{\"cmd\":\"history\",\"channel\":\"soak\",\"limit\":0,\"id\":\"h\"}");
            long asked = System.nanoTime();
            ClientProcess.Event history = reader.await("the whole history", event("history"), Duration.ofSeconds(300));
            System.out.printf("soak: the history of %d entries came in %.1f s%n",
                    ((JsonValue.JsonArray) history.get("entries")).elements().size(), (System.nanoTime() - asked) / 1e9);
            List<String> texts = new ArrayList<>();
            for (JsonValue entry : ((JsonValue.JsonArray) history.get("entries")).elements()) {
                JsonValue.JsonObject o = (JsonValue.JsonObject) entry;
                if (o.fields().get("text") instanceof JsonValue.JsonString t) {
                    texts.add(t.value());
                }
            }
            assertThat(texts).as("no message appears twice").doesNotHaveDuplicates();
            int ackedTotal = 0;
            for (String user : USERS) {
                List<String> mine = texts.stream().filter(t -> t.startsWith(user + "-")).toList();
                assertThat(mine).as(user + "'s acknowledged messages, each once (seed " + seed + ")")
                        .containsAll(acked.get(user));
                List<String> ackedInStoredOrder = mine.stream().filter(acked.get(user)::contains).toList();
                assertThat(ackedInStoredOrder).as(user + "'s messages in the order sent (seed " + seed + ")")
                        .isEqualTo(acked.get(user));
                ackedTotal += acked.get(user).size();
            }
            System.out.printf("soak (%s): %d SIGKILLs of the server (and its clients), %d messages sent, %d acknowledged,"
                    + " %d stored, 0 lost, 0 duplicated, in %d s (seed %d)%n", store, kills, sent, ackedTotal, texts.size(),
                    Duration.ofNanos(System.nanoTime() - started).toSeconds(), seed);
            assertThat(ackedTotal).as("the loop acknowledged something to check").isPositive();
        }
    }
}
