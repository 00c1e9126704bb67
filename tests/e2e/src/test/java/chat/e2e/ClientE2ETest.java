package chat.e2e;

import static chat.e2e.ClientProcess.event;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code chat client} with the json frontend, run from the built image against a real
 * {@code chat server}, the way a bot or a script uses it: members chat, an outsider sees
 * nothing, restarts of the server and of clients lose nothing and repeat nothing, and
 * every failure has its exit code and its sentence.
 */
@Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
class ClientE2ETest {

    private final ChatImage chat = ChatImage.fromSystemProperty();

    @TempDir
    Path tmp;

    private static String send(String channel, String text) {
        return "{\"cmd\":\"send\",\"channel\":\"" + channel + "\",\"text\":\"" + text + "\"}";
    }

    private static Predicate<ClientProcess.Event> message(String text) {
        return event("message", "text", text);
    }

    /** alice creates "general" and invites bob; bob has seen his invitation. */
    private static void aliceCreatesGeneralWithBob(ClientProcess alice, ClientProcess bob) {
        alice.ok("create", "{\"cmd\":\"create\",\"channel\":\"general\"}");
        alice.ok("invite", "{\"cmd\":\"invite\",\"channel\":\"general\",\"user\":\"bob\"}");
        if (bob != null) {
            bob.await("bob's invitation", event("member", "channel", "general", "user", "bob", "by", "alice"));
        }
    }

    private static void assertNoAlarms(ClientProcess... clients) {
        for (ClientProcess c : clients) {
            assertThat(c.events(event("alarm"))).as(c.describe()).isEmpty();
            assertThat(c.events(e -> e.json() == null)).as("stdout carries only JSON events\n" + c.describe()).isEmpty();
        }
    }

    // ------------------------------------------------------------------ chatting

    @Test
    void someoneInvitedIntoAChannelWithHistoryReadsItAllWithoutAlarms() {
        try (ClientFixture f = new ClientFixture(chat, tmp, "alice", "bob")) {
            f.startServer();
            ClientProcess alice = f.client("alice");
            alice.ok("create", "{\"cmd\":\"create\",\"channel\":\"late\"}");
            alice.ok("b1", send("late", "before bob 1"));
            alice.ok("b2", send("late", "before bob 2"));
            ClientProcess bob = f.client("bob");
            alice.ok("invite", "{\"cmd\":\"invite\",\"channel\":\"late\",\"user\":\"bob\"}");
            // the key comes with bob's invitation (#4), after the messages (#2, #3): he reads them all the same
            assertThat(bob.await("a message from before bob joined", message("before bob 1")).num("seq")).isEqualTo(2);
            assertThat(bob.await("the second one", message("before bob 2")).num("seq")).isEqualTo(3);
            bob.await("bob's invitation", event("member", "channel", "late", "user", "bob", "seq", 4));
            alice.ok("after", send("late", "after bob"));
            bob.await("a message after", message("after bob"));
            bob.ok("reply", send("late", "bob can post"));
            alice.await("bob's post", message("bob can post"));
            assertNoAlarms(alice, bob);
        }
    }

    @Test
    void membersChatAndAnOutsiderCanNeitherReadNorPost() throws IOException {
        try (ClientFixture f = new ClientFixture(chat, tmp, "alice", "bob", "carol")) {
            f.startServer();
            ClientProcess alice = f.client("alice");
            ClientProcess bob = f.client("bob");
            ClientProcess carol = f.client("carol");

            alice.ok("create", "{\"cmd\":\"create\",\"channel\":\"general\"}");
            List<ClientProcess.Event> log = alice.events();
            int member = log.indexOf(alice.await("creation", event("member", "id", "create", "user", "alice", "seq", 1)));
            int ok = log.indexOf(alice.await("ok", event("ok", "id", "create", "seq", 1)));
            assertThat(member).as("the member event of a command comes before its ok").isLessThan(ok);

            alice.ok("invite", "{\"cmd\":\"invite\",\"channel\":\"general\",\"user\":\"bob\"}");
            bob.await("alice's creation, replayed to bob when invited", event("member", "user", "alice", "by", "alice", "seq", 1));
            bob.await("bob's invitation", event("member", "channel", "general", "user", "bob", "by", "alice", "seq", 2));

            alice.ok("m1", send("general", "secret-alpha for bob"));
            ClientProcess.Event got = bob.await("alice's message", message("secret-alpha for bob"));
            assertThat(got.str("from")).isEqualTo("alice");
            assertThat(got.bool("mine")).isFalse();
            assertThat(got.num("seq")).isEqualTo(3);
            assertThat(got.get("id")).as("ids belong to the client that gave them").isNull();
            ClientProcess.Event own = alice.await("alice's own message", message("secret-alpha for bob"));
            assertThat(own.bool("mine")).isTrue();
            assertThat(own.str("id")).isEqualTo("m1");

            bob.ok("m2", send("general", "secret-bravo for alice"));
            assertThat(alice.await("bob's answer", message("secret-bravo for alice")).str("from")).isEqualTo("bob");

            // carol: not a member; nothing of the channel reaches her and nothing of hers gets in
            assertThat(carol.call("c1", send("general", "secret-charlie from carol")))
                    .matches(event("error", "code", "noSuchChannel")::test);
            assertThat(carol.call("c2", "{\"cmd\":\"history\",\"channel\":\"general\"}"))
                    .matches(event("error", "code", "noSuchChannel")::test);
            ClientProcess.Event channels = carol.call("c3", "{\"cmd\":\"channels\"}");
            assertThat(channels.type()).isEqualTo("channels");
            assertThat(channels.line()).contains("\"channels\":[]");
            assertThat(carol.call("c4", "{\"cmd\":\"create\",\"channel\":\"general\"}"))
                    .matches(event("error", "code", "channelExists")::test);
            assertThat(carol.call("c5", "{\"cmd\":\"invite\",\"channel\":\"general\",\"user\":\"carol\"}"))
                    .matches(event("error", "code", "noSuchChannel")::test);

            ClientProcess.Event history = bob.call("h", "{\"cmd\":\"history\",\"channel\":\"general\"}");
            assertThat(history.line()).contains("secret-alpha for bob", "secret-bravo for alice");
            assertThat(alice.quit()).as(alice.describe()).isZero();
            assertThat(bob.quit()).as(bob.describe()).isZero();
            assertThat(carol.quit()).as(carol.describe()).isZero();

            assertThat(carol.events(e -> "message".equals(e.type()) || "member".equals(e.type()))).isEmpty();
            assertNoAlarms(alice, bob, carol);
            // Nothing readable at rest: the server stores what it cannot read, every client's state is sealed.
            assertThat(f.bundle("bob").resolve("state/channels")).isNotEmptyDirectory();
            for (String text : List.of("secret-alpha", "secret-bravo", "secret-charlie")) {
                assertThat(ClientFixture.filesContaining(f.keys, text)).as(text).isEmpty();
            }
        }
    }

    @Test
    void restartsOfServerAndClientsLoseNothingAndRepeatNothing() {
        try (ClientFixture f = new ClientFixture(chat, tmp, "alice", "bob")) {
            f.startServer();
            ClientProcess alice = f.client("alice");
            ClientProcess bob = f.client("bob");
            aliceCreatesGeneralWithBob(alice, bob);
            alice.ok("one", send("general", "one"));
            bob.await("one", message("one"));
            assertThat(bob.quit()).as(bob.describe()).isZero();

            f.stopServer();
            alice.await("disconnected", event("disconnected"));
            f.startServer();
            alice.await("reconnected", event("reconnected"), ClientFixture.reconnectTimeout());
            alice.ok("two", send("general", "two"));

            int mark = alice.count();
            f.stopServer();
            f.startServer();
            alice.awaitFrom(mark, "reconnected again", event("reconnected"), ClientFixture.reconnectTimeout());
            alice.ok("three", send("general", "three"));

            // bob comes back: exactly what is new to him, nothing he has seen
            ClientProcess bob2 = f.start("bob", f.bundle("bob")).ready();
            bob2.await("two", message("two"));
            bob2.await("three", message("three"));
            ClientProcess.Event history = bob2.call("h", "{\"cmd\":\"history\",\"channel\":\"general\",\"limit\":0}");
            assertThat(bob2.quit()).as(bob2.describe()).isZero();
            assertThat(bob2.events(e -> "message".equals(e.type()) || "member".equals(e.type())))
                    .extracting(e -> e.num("seq")).containsExactly(4L, 5L);
            assertThat(history.line()).containsSubsequence("\"seq\":1", "\"seq\":2", "\"text\":\"one\"", "\"text\":\"two\"",
                    "\"text\":\"three\"");

            // alice too, after a restart of her own: no event for anything she holds
            assertThat(alice.quit()).as(alice.describe()).isZero();
            f.stopServer();
            f.startServer();
            ClientProcess alice2 = f.client("alice");
            ClientProcess.Event channels = alice2.call("c", "{\"cmd\":\"channels\"}");
            assertThat(alice2.quit()).isZero();
            assertThat(alice2.events(e -> "message".equals(e.type()) || "member".equals(e.type()))).isEmpty();
            assertThat(channels.line()).contains("\"lastSeq\":5", "\"members\":[\"alice\",\"bob\"]", "\"name\":\"general\"");
            assertNoAlarms(alice, bob, bob2, alice2);
        }
    }

    @Test
    void aMessageSentWhileTheServerIsDownIsDeliveredExactlyOnceAfterItComesBack() {
        try (ClientFixture f = new ClientFixture(chat, tmp, "alice", "bob")) {
            f.startServer();
            ClientProcess alice = f.client("alice");
            ClientProcess bob = f.client("bob");
            aliceCreatesGeneralWithBob(alice, bob);

            f.stopServer();
            alice.await("disconnected", event("disconnected"));
            bob.await("disconnected", event("disconnected"));
            alice.send("{\"cmd\":\"send\",\"channel\":\"general\",\"text\":\"sent while down\",\"id\":\"q\"}");
            alice.send("{\"cmd\":\"channels\",\"id\":\"after-q\"}");
            alice.await("the command after the queued send", event("channels", "id", "after-q"));
            assertThat(alice.events(event("ok", "id", "q"))).as("no server, no acknowledgement").isEmpty();

            f.startServer();
            alice.await("reconnected", event("reconnected"), ClientFixture.reconnectTimeout());
            alice.await("the queued message, delivered", event("message", "id", "q", "text", "sent while down", "mine", true));
            alice.await("its acknowledgement", event("ok", "id", "q"));
            bob.await("bob reconnected", event("reconnected"), ClientFixture.reconnectTimeout());
            bob.await("the queued message", message("sent while down"));

            alice.ok("later", send("general", "later"));
            bob.await("a later message", message("later"));
            ClientProcess.Event history = bob.call("h", "{\"cmd\":\"history\",\"channel\":\"general\"}");
            assertThat(alice.quit()).isZero();
            assertThat(bob.quit()).isZero();

            assertThat(bob.events(message("sent while down"))).hasSize(1);
            assertThat(alice.events(message("sent while down"))).hasSize(1);
            assertThat(alice.events(event("ok", "id", "q"))).hasSize(1);
            assertThat(history.line().split("sent while down", -1)).as("once in the history").hasSize(2);
            assertNoAlarms(alice, bob);
        }
    }

    @Test
    void aQueuedMessageSurvivesAClientCrashAndIsSentOnceAtTheNextStart() {
        try (ClientFixture f = new ClientFixture(chat, tmp, "alice", "bob")) {
            f.startServer();
            ClientProcess alice = f.client("alice");
            aliceCreatesGeneralWithBob(alice, null);
            f.stopServer();
            alice.await("disconnected", event("disconnected"));
            alice.send(send("general", "survives a crash"));
            alice.send("{\"cmd\":\"channels\",\"id\":\"queued\"}");
            alice.await("the command after the queued send", event("channels", "id", "queued"));
            alice.kill();

            f.startServer();
            ClientProcess again = f.client("alice");
            again.await("the queued message, sent by the new process", event("message", "text", "survives a crash",
                    "mine", true));
            assertThat(again.quit()).as(again.describe()).isZero();

            ClientProcess bob = f.client("bob");
            ClientProcess.Event history = bob.call("h", "{\"cmd\":\"history\",\"channel\":\"general\"}");
            assertThat(bob.quit()).isZero();
            assertThat(bob.events(message("survives a crash"))).hasSize(1);
            assertThat(history.line().split("survives a crash", -1)).hasSize(2);
            assertNoAlarms(again, bob);
        }
    }

    /**
     * A bot pipes 5,000 sends and is killed (SIGKILL) while its outbox group-commits them:
     * after a restart, every send it got "ok" for is in the channel exactly once, nothing
     * is there twice, and the messages are in the order given (the outbox sends a command
     * only once its record is durable, in userSeq order).
     */
    @Test
    void aBotKilledDuringItsGroupCommitsLosesNothingAcknowledgedRepeatsNothingAndKeepsItsOrder() {
        try (ClientFixture f = new ClientFixture(chat, tmp, "alice", "bob")) {
            f.startServer();
            botKilledAndRestarted(f, () -> f.client("alice"), 5000, 200);
        }
    }

    /**
     * The same after a rotation (3,000 answers, 8,000 sends), with the outbox rewritten every
     * few hundred records, so that the kill often comes in the middle of a rewrite. It also
     * caught a restart that signed again commands whose acknowledgement the kill had lost
     * (the ledger kept too few of our own entries to recognise them).
     */
    @Test
    void aBotKilledWhileItsOutboxIsRewrittenOftenLosesNothingRepeatsNothingAndKeepsItsOrder() {
        try (ClientFixture f = new ClientFixture(chat, tmp, "alice", "bob")) {
            f.startServer("--max-rate=1000000");
            botKilledAndRestarted(f, () -> f.client("alice",
                    Map.of("CHAT_JAVA_OPTS", "-Dchat.client.outboxCompactAfter=300")), 8000, 3000);
        }
    }

    /**
     * alice's client (from {@code aliceClient}) creates general with bob and pipes {@code n}
     * sends; it is killed once {@code killAfter} are answered, started again to send what
     * its outbox holds, and bob's history must hold every answered send once, in order.
     */
    private void botKilledAndRestarted(ClientFixture f, java.util.function.Supplier<ClientProcess> aliceClient, int n,
                                       int killAfter) {
        ClientProcess alice = aliceClient.get();
        aliceCreatesGeneralWithBob(alice, null);
        alice.send(botSends(1, n));
        alice.await("acknowledgement " + killAfter, e -> "ok".equals(e.type())
                && e.get("id") instanceof chat.protocol.json.JsonValue.JsonNumber id && id.value() >= killAfter);
        alice.kill();
        java.util.Set<Long> acknowledged = new java.util.HashSet<>();
        for (ClientProcess.Event ok : alice.events(event("ok"))) {
            if (ok.get("id") instanceof chat.protocol.json.JsonValue.JsonNumber id) {
                acknowledged.add(id.value());
            }
        }
        assertThat(acknowledged).as("killed in mid-stream").hasSizeBetween(killAfter, n - 1);

        ClientProcess again = aliceClient.get(); // sends what its outbox holds, then quits when all is answered
        assertThat(again.quit()).as(again.describe()).isZero();
        ClientProcess bob = f.client("bob");
        ClientProcess.Event history = bob.call("h", "{\"cmd\":\"history\",\"channel\":\"general\",\"limit\":0}");
        assertThat(bob.quit()).isZero();
        List<Long> texts = botTexts(history);
        assertThat(texts).as("nothing twice").doesNotHaveDuplicates();
        assertThat(texts).as("every acknowledged send").containsAll(acknowledged);
        assertThat(texts).as("in the order given").isSorted();
        assertNoAlarms(again, bob);
    }

    /** json send commands "bot from" to "bot to" on general, each with its number as id, one per line. */
    private static String botSends(int from, int to) {
        StringBuilder commands = new StringBuilder();
        for (int i = from; i <= to; i++) {
            commands.append("{\"cmd\":\"send\",\"channel\":\"general\",\"text\":\"bot ").append(i)
                    .append("\",\"id\":").append(i).append("}\n");
        }
        return commands.toString().stripTrailing();
    }

    private static List<Long> botTexts(ClientProcess.Event history) {
        List<Long> texts = new ArrayList<>();
        if (history.get("entries") instanceof chat.protocol.json.JsonValue.JsonArray entries) {
            for (chat.protocol.json.JsonValue entry : entries.elements()) {
                if (((chat.protocol.json.JsonValue.JsonObject) entry).fields().get("text")
                        instanceof chat.protocol.json.JsonValue.JsonString text && text.value().startsWith("bot ")) {
                    texts.add(Long.parseLong(text.value().substring(4)));
                }
            }
        }
        return texts;
    }

    @Test
    void aLongRunningBotsOutboxIsRewrittenWhileItRunsAndNothingIsLostOrRepeated() throws java.io.IOException {
        try (ClientFixture f = new ClientFixture(chat, tmp, "alice", "bob")) {
            f.startServer("--max-rate=1000000");
            ClientProcess alice = f.client("alice");
            aliceCreatesGeneralWithBob(alice, null);
            java.nio.file.Path outbox = f.bundle("alice").resolve("state").resolve("outbox.log");
            int batches = 8;
            int perBatch = 5000;
            long largest = 0;
            for (int b = 0; b < batches; b++) {
                alice.send(botSends(b * perBatch + 1, (b + 1) * perBatch));
                long last = (b + 1L) * perBatch;
                alice.await("acknowledgement " + last, e -> "ok".equals(e.type())
                        && e.get("id") instanceof chat.protocol.json.JsonValue.JsonNumber id && id.value() == last);
                largest = Math.max(largest, java.nio.file.Files.size(outbox));
            }
            // 40,000 sends leave 120,000 records (queued, signed, done) of about 290 bytes: 35 MB
            // if nothing is rewritten; the client rewrites the file once 20,000 are dead
            assertThat(largest).as("outbox.log while the bot runs").isLessThan(16L << 20);
            assertThat(alice.quit()).isZero();

            ClientProcess again = f.client("alice"); // nothing left to send: quits at once
            assertThat(again.quit()).as(again.describe()).isZero();
            ClientProcess bob = f.client("bob");
            ClientProcess.Event history = bob.call("h", "{\"cmd\":\"history\",\"channel\":\"general\",\"limit\":0}");
            assertThat(bob.quit()).isZero();
            List<Long> texts = botTexts(history);
            assertThat(texts).as("every send once, in order").hasSize(batches * perBatch).doesNotHaveDuplicates()
                    .isSorted();
            assertNoAlarms(again, bob);
        }
    }

    @Test
    void twoClientsOfTheSameUserBothReceiveEverything() {
        try (ClientFixture f = new ClientFixture(chat, tmp, "alice", "bob")) {
            f.startServer();
            ClientProcess first = f.client("alice");
            ClientProcess second = f.client("alice");
            ClientProcess bob = f.client("bob");
            aliceCreatesGeneralWithBob(first, bob);
            second.await("the creation, on the other device", event("member", "channel", "general", "user", "alice"));
            second.await("the invitation, on the other device", event("member", "channel", "general", "user", "bob"));

            first.ok("f", send("general", "from the first"));
            second.await("the first's message", event("message", "text", "from the first", "mine", true));
            second.ok("s", send("general", "from the second"));
            first.await("the second's message", event("message", "text", "from the second", "mine", true));
            bob.ok("b", send("general", "from bob"));

            // both devices at once: their userSeqs collide, and still each message goes out once
            List<String> texts = new ArrayList<>(List.of("from the first", "from the second", "from bob"));
            for (int i = 1; i <= 3; i++) {
                first.send("{\"cmd\":\"send\",\"channel\":\"general\",\"text\":\"first-" + i + "\",\"id\":\"f" + i + "\"}");
                second.send("{\"cmd\":\"send\",\"channel\":\"general\",\"text\":\"second-" + i + "\",\"id\":\"s" + i + "\"}");
                texts.add("first-" + i);
                texts.add("second-" + i);
            }
            for (int i = 1; i <= 3; i++) {
                first.await("ok f" + i, event("ok", "id", "f" + i));
                second.await("ok s" + i, event("ok", "id", "s" + i));
                first.await("own message f" + i, event("message", "id", "f" + i, "text", "first-" + i));
                second.await("own message s" + i, event("message", "id", "s" + i, "text", "second-" + i));
            }
            for (ClientProcess c : List.of(first, second, bob)) {
                for (String text : texts) {
                    c.await(text, message(text));
                }
            }
            assertThat(first.quit()).isZero();
            assertThat(second.quit()).isZero();
            assertThat(bob.quit()).isZero();
            for (ClientProcess c : List.of(first, second, bob)) {
                for (String text : texts) {
                    assertThat(c.events(message(text))).as(text + "\n" + c.describe()).hasSize(1);
                }
                assertThat(c.events(event("error"))).as(c.describe()).isEmpty();
                assertThat(c.events(event("notice"))).as(c.describe()).isEmpty();
            }
            assertNoAlarms(first, second, bob);
        }
    }

    // ------------------------------------------------------------------ bad input

    @Test
    void badInputLinesGiveErrorEventsAndTheClientKeepsWorking() {
        try (ClientFixture f = new ClientFixture(chat, tmp, "alice")) {
            f.startServer();
            ClientProcess alice = f.client("alice");
            alice.ok("create", "{\"cmd\":\"create\",\"channel\":\"general\"}");
            record Bad(String line, String code, String message) {
            }
            List<Bad> cases = List.of(
                    new Bad("not json", "badCommand", "not a JSON object"),
                    new Bad("[1,2]", "badCommand", "not a JSON object"),
                    new Bad("{\"cmd\":\"send\"", "badCommand", "not a JSON object"),
                    new Bad("{}", "badCommand", "cmd"),
                    new Bad("{\"cmd\":7}", "badCommand", "cmd"),
                    new Bad("{\"cmd\":\"send\",\"id\":\"a\"}", "badCommand", "channel"),
                    new Bad("{\"cmd\":\"send\",\"channel\":\"general\",\"id\":\"b\"}", "badCommand", "text"),
                    new Bad("{\"cmd\":\"send\",\"channel\":\"general\",\"text\":\"x\",\"colour\":\"red\",\"id\":\"c\"}",
                            "badCommand", "colour"),
                    new Bad("{\"cmd\":\"dance\",\"id\":\"d\"}", "badCommand", "unknown command 'dance'"),
                    new Bad("{\"cmd\":\"history\",\"channel\":\"general\",\"limit\":-1,\"id\":\"e\"}", "badCommand",
                            "limit"),
                    new Bad("{\"cmd\":\"history\",\"channel\":\"nowhere\",\"id\":\"f\"}", "noSuchChannel", "nowhere"),
                    new Bad("{\"cmd\":\"send\",\"channel\":\"general\",\"text\":\"\",\"id\":\"g\"}", "local", "empty"),
                    new Bad("{\"cmd\":\"create\",\"channel\":\"bad name!\",\"id\":\"h\"}", "local",
                            "invalid channel name"),
                    new Bad("{\"cmd\":\"create\",\"channel\":\"general\",\"id\":\"i\"}", "channelExists", "general"),
                    new Bad("{\"cmd\":\"invite\",\"channel\":\"general\",\"user\":\"nobody\",\"id\":\"j\"}",
                            "unknownInvitee", "nobody"),
                    new Bad("{\"cmd\":\"invite\",\"channel\":\"general\",\"user\":\"alice\",\"id\":\"k\"}",
                            "alreadyMember", "alice"),
                    new Bad("{\"cmd\":\"send\",\"channel\":\"general\",\"text\":\"" + "x".repeat(70_000) + "\",\"id\":\"l\"}",
                            "limitExceeded", "65536"),
                    new Bad("{\"cmd\":\"send\",\"channel\":\"general\",\"text\":\"" + "y".repeat(300_000) + "\"}",
                            "badCommand", ""),
                    new Bad("{\"cmd\":\"channels\",\"id\":{\"nested\":true}}", "badCommand", "'id'"),
                    new Bad("{\"cmd\":\"channels\",\"a\":[[[[[1]]]]]}", "badCommand", ""),
                    new Bad("{\"cmd\":\"quit\",\"now\":true,\"id\":\"m\"}", "badCommand", "now"));
            for (Bad bad : cases) {
                int mark = alice.count();
                alice.send(bad.line());
                ClientProcess.Event error = alice.awaitFrom(mark, "an error for " + abbreviate(bad.line()), event("error"),
                        ClientProcess.TIMEOUT);
                assertThat(error.str("code")).as(abbreviate(bad.line())).isEqualTo(bad.code());
                assertThat(error.str("message")).as(abbreviate(bad.line())).contains(bad.message());
                int id = bad.line().indexOf("\"id\":\"");
                if (id >= 0) {
                    String given = bad.line().substring(id + 6, bad.line().indexOf('"', id + 6));
                    assertThat(error.str("id")).as("id echoed for " + abbreviate(bad.line())).isEqualTo(given);
                }
            }
            // ...and it still works, with ids of either kind echoed as given
            alice.send("{\"cmd\":\"send\",\"channel\":\"general\",\"text\":\"still here\",\"id\":42}");
            alice.await("a numeric id echoed", event("ok", "id", 42));
            alice.await("a numeric id on the message", event("message", "text", "still here", "id", 42));
            alice.send("   ");
            alice.send("{\"cmd\":\"channels\",\"id\":\"after blank\"}");
            alice.await("a blank line is ignored", event("channels", "id", "after blank"));
            assertThat(alice.quit()).as(alice.describe()).isZero();
            assertThat(alice.events(event("error"))).hasSize(cases.size());
            assertThat(alice.alive()).isFalse();
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }

    @Test
    void endOfInputWaitsForPendingSendsAndExitsZero() {
        try (ClientFixture f = new ClientFixture(chat, tmp, "alice", "bob")) {
            f.startServer();
            ClientProcess alice = f.client("alice");
            aliceCreatesGeneralWithBob(alice, null);
            for (int i = 0; i < 20; i++) {
                alice.send("{\"cmd\":\"send\",\"channel\":\"general\",\"text\":\"burst " + i + "\",\"id\":" + i + "}");
            }
            assertThat(alice.closeInputAndWait()).as(alice.describe()).isZero();
            for (int i = 0; i < 20; i++) {
                assertThat(alice.events(event("ok", "id", i))).as("ok " + i).hasSize(1);
            }
            ClientProcess bob = f.client("bob");
            bob.await("the last of the burst", message("burst 19"));
            assertThat(bob.quit()).isZero();
            List<Long> seqs = bob.events(event("message")).stream().map(e -> e.num("seq")).toList();
            assertThat(seqs).hasSize(20).isSorted();
        }
    }

    // ------------------------------------------------------------------ failures and their exit codes

    @Test
    void aWrongPasswordExitsThreeAndSaysSo() {
        try (ClientFixture f = new ClientFixture(chat, tmp, "alice")) {
            f.startServer();
            ChatImage.Result r = clientRun(f.bundle("alice"), f.port(), Map.of("CHAT_PASSWORD", "not the password"), "json");
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(3);
            assertThat(r.stderr()).contains("wrong password for alice");
            assertThat(r.stdout()).isEmpty();
        }
    }

    @Test
    void anUnreachableServerExitsFour() throws IOException {
        try (ClientFixture f = new ClientFixture(chat, tmp, "alice")) {
            int closedPort;
            try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                closedPort = s.getLocalPort();
            }
            ChatImage.Result r = clientRun(f.bundle("alice"), closedPort, Map.of("CHAT_PASSWORD", f.passwords.get("alice")),
                    "json");
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(4);
            assertThat(r.stderr()).contains("cannot reach the server at 127.0.0.1:" + closedPort);
        }
    }

    @Test
    void anUnknownFrontendExitsTwoListingTheAvailableOnes() {
        try (ClientFixture f = new ClientFixture(chat, tmp, "alice")) {
            ChatImage.Result r = clientRun(f.bundle("alice"), 1, Map.of(), "nosuch");
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
            assertThat(r.stderr()).containsPattern("no frontend named 'nosuch'; available: [a-z, -]*\\bjson\\b");
            ChatImage.Result list = chat.run("client", "--list-frontends");
            assertThat(list.exitCode()).isZero();
            assertThat(list.stdout()).contains("json");
        }
    }

    @Test
    void theJsonFrontendWithoutAPasswordExitsTwoAndSaysWhereToPutIt() throws IOException {
        try (ClientFixture f = new ClientFixture(chat, tmp, "alice")) {
            f.startServer();
            ChatImage.Result r = clientRun(f.bundle("alice"), f.port(), Map.of(), "json");
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
            assertThat(r.stderr()).contains("CHAT_PASSWORD", "--password-file");
            assertThat(r.stdout()).isEmpty();

            // the same from a password file works; one that others may read, with a warning
            Path file = Files.writeString(tmp.resolve("pw"), f.passwords.get("alice") + "\n", StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
            ProcessBuilder pb = chat.command(List.of("client", "--dir", f.bundle("alice").toString(), "--server",
                    "127.0.0.1:" + f.port(), "--frontend", "json", "--password-file", file.toString()));
            pb.environment().remove("CHAT_PASSWORD");
            ChatImage.Result ok = ChatImage.run(pb, "{\"cmd\":\"channels\"}\n", Duration.ofMinutes(1));
            assertThat(ok.exitCode()).as(ok.toString()).isZero();
            assertThat(ok.stdout()).contains("{\"event\":\"ready\",\"user\":\"alice\"}", "{\"channels\":[],\"event\":\"channels\"}");
            assertThat(ok.stderr()).contains("chat: warning: " + file + " (a file of passwords) can be read or changed by"
                    + " other users (mode rw-r-----); make it private: chmod 600 " + file);
        }
    }

    /** Runs the client to completion with empty input and exactly {@code env} as its password environment. */
    private ChatImage.Result clientRun(Path bundle, int port, Map<String, String> env, String frontend) {
        ProcessBuilder pb = chat.command(List.of("client", "--dir", bundle.toString(), "--server", "127.0.0.1:" + port,
                "--frontend", frontend));
        pb.environment().remove("CHAT_PASSWORD");
        pb.environment().putAll(env);
        return ChatImage.run(pb, "", Duration.ofMinutes(1));
    }
}
