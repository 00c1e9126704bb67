package chat.e2e;

import static chat.e2e.ClientProcess.event;
import static org.assertj.core.api.Assertions.assertThat;

import chat.protocol.json.JsonValue;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code chat client --server A,B} (issue 15): the addresses are relays of one deployment.
 * The built image, the embedded journal server started on one address, then SIGKILLed and
 * started again (same keys, same data) on the other: the json clients log in through the
 * address that answers, fail over by themselves, and every message sent around the kill
 * arrives exactly once, in order.
 */
@Timeout(value = 8, unit = java.util.concurrent.TimeUnit.MINUTES)
class FailoverE2ETest {

    private static final Duration LOGIN = Duration.ofSeconds(180); // a JVM start and a key unlock, busy machine
    private static final int MESSAGES = 60;

    private final ChatImage chat = ChatImage.fromSystemProperty();

    @TempDir
    Path tmp;

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static String send(int i) {
        return "{\"cmd\":\"send\",\"channel\":\"general\",\"text\":\"m-" + i + "\",\"id\":\"m-" + i + "\"}";
    }

    @Test
    void theClientsLogInThroughTheAddressThatAnswersAndFailOverToAnotherLosingAndRepeatingNothing() throws Exception {
        try (ClientFixture f = new ClientFixture(chat, tmp, "alice", "bob")) {
            int p1 = closedPort();
            f.startServer();
            int p2 = f.port();
            String a1 = "127.0.0.1:" + p1;
            String a2 = "127.0.0.1:" + p2;
            String servers = a1 + "," + a2;

            ClientProcess alice = f.start("alice", servers);
            alice.await("ready", event("ready"), LOGIN);
            List<String> tried = alice.events(event("connection")).stream()
                    .map(e -> e.str("state") + " " + e.str("server")).toList();
            assertThat(tried).as("the login names each address it tries, the closed one first")
                    .containsExactly("connecting " + a1, "connecting " + a2, "loggingIn " + a2, "catchingUp " + a2);
            ClientProcess bob = f.start("bob", servers);
            bob.await("ready", event("ready"), LOGIN);

            alice.ok("create", "{\"cmd\":\"create\",\"channel\":\"general\"}");
            alice.ok("invite", "{\"cmd\":\"invite\",\"channel\":\"general\",\"user\":\"bob\"}");
            bob.await("bob's invitation", event("member", "channel", "general", "user", "bob", "by", "alice"));
            bob.ok("hello", "{\"cmd\":\"send\",\"channel\":\"general\",\"text\":\"hello via " + a2 + "\"}");
            alice.await("bob's message through the second address", event("message", "text", "hello via " + a2));

            // Half the messages go out while the server runs; the kill comes once the first is
            // acknowledged, so some are acknowledged, some in flight and some not yet sent.
            for (int i = 1; i <= MESSAGES / 2; i++) {
                alice.send(send(i));
            }
            alice.await("the first acknowledgement", event("ok", "id", "m-1"), Duration.ofSeconds(60));
            f.killServer();
            System.out.printf("failover: %d of the first %d messages acknowledged before the SIGKILL%n",
                    alice.events(e -> "ok".equals(e.type()) && e.str("id") != null && e.str("id").startsWith("m-")).size(),
                    MESSAGES / 2);
            alice.await("disconnected", event("disconnected"), Duration.ofSeconds(60));
            for (int i = MESSAGES / 2 + 1; i <= MESSAGES; i++) {
                alice.send(send(i)); // queued on disk while no server answers
            }

            f.startServerOn(p1); // the "other relay": same keys, same data, the first address
            alice.await("alice on the first address", event("reconnected", "server", a1),
                    ClientFixture.reconnectTimeout());
            bob.await("bob on the first address", event("reconnected", "server", a1), ClientFixture.reconnectTimeout());
            for (int i = 1; i <= MESSAGES; i++) {
                alice.await("the acknowledgement of m-" + i, event("ok", "id", "m-" + i), Duration.ofSeconds(120));
            }
            bob.await("the last message", event("message", "text", "m-" + MESSAGES), Duration.ofSeconds(120));

            List<String> expected = IntStream.rangeClosed(1, MESSAGES).mapToObj(i -> "m-" + i).toList();
            for (int i = 1; i <= MESSAGES; i++) {
                assertThat(alice.events(event("ok", "id", "m-" + i))).as("one acknowledgement of m-" + i).hasSize(1);
            }
            List<String> bobSaw = bob.events(event("message")).stream().map(e -> e.str("text"))
                    .filter(t -> t.startsWith("m-")).toList();
            assertThat(bobSaw).as("bob received each message once, in order\n" + bob.describe()).isEqualTo(expected);

            ClientProcess.Event history = alice.call("h", "{\"cmd\":\"history\",\"channel\":\"general\",\"limit\":0}");
            List<String> stored = new ArrayList<>();
            for (JsonValue entry : ((JsonValue.JsonArray) history.get("entries")).elements()) {
                if (((JsonValue.JsonObject) entry).fields().get("text") instanceof JsonValue.JsonString t
                        && t.value().startsWith("m-")) {
                    stored.add(t.value());
                }
            }
            assertThat(stored).as("the server stored each message once, in order").isEqualTo(expected);
            for (ClientProcess c : List.of(alice, bob)) {
                assertThat(c.events(event("alarm"))).as(c.describe()).isEmpty();
                assertThat(c.events(event("connectionFailed"))).as(c.describe()).isEmpty();
            }
            assertThat(alice.quit()).isZero();
            assertThat(bob.quit()).isZero();
        }
    }

    @Test
    void aServerListWithAMistakeIsRefusedWithOneSentence() throws Exception {
        try (ClientFixture f = new ClientFixture(chat, tmp, "alice")) {
            Map<String, String> cases = Map.of(
                    "127.0.0.1:9000,,127.0.0.1:9001", "--server: address 2 of '127.0.0.1:9000,,127.0.0.1:9001' is empty",
                    "127.0.0.1:9000,127.0.0.1:9000", "--server lists 127.0.0.1:9000 twice",
                    "127.0.0.1:9000,127.0.0.1:70000", "--server: port 70000 is outside 0..65535");
            for (Map.Entry<String, String> c : cases.entrySet()) {
                ChatImage.Result r = chat.run(List.of("client", "--dir", f.bundle("alice").toString(), "--server",
                        c.getKey(), "--frontend", "json"), "", Map.of("CHAT_PASSWORD", f.passwords.get("alice")));
                assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
                assertThat(r.stderr()).as(r.toString()).contains(c.getValue());
            }
            int p1 = closedPort();
            int p2 = closedPort();
            ChatImage.Result none = chat.run(List.of("client", "--dir", f.bundle("alice").toString(), "--server",
                    "127.0.0.1:" + p1 + ",127.0.0.1:" + p2, "--frontend", "json"), "",
                    Map.of("CHAT_PASSWORD", f.passwords.get("alice")));
            assertThat(none.exitCode()).as(none.toString()).isEqualTo(4);
            assertThat(none.stdout()).as(none.toString()).contains("127.0.0.1:" + p1).contains("127.0.0.1:" + p2);
            assertThat(none.stderr()).as(none.toString()).contains("none of the 2 servers let us in");

            ChatImage.Result terminal = chat.run(List.of("client", "--dir", f.bundle("alice").toString(), "--server",
                    "127.0.0.1:" + p1 + ",127.0.0.1:" + p2), "", Map.of("CHAT_PASSWORD", f.passwords.get("alice")));
            assertThat(terminal.exitCode()).as(terminal.toString()).isEqualTo(4);
            assertThat(terminal.stderr()).as(terminal.toString()).contains("Cannot reach any of the servers 127.0.0.1:"
                    + p1 + ",127.0.0.1:" + p2 + " (the last one tried: connection refused). Are they running?");
        }
    }
}
