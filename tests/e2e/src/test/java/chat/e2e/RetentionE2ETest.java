package chat.e2e;

import static chat.e2e.ClientProcess.event;
import static org.assertj.core.api.Assertions.assertThat;

import chat.protocol.json.JsonValue;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attack review finding 6 (retention), from the built image: a server run with
 * {@code --retain} and a short {@code --compact-every} compacts old messages away; a new
 * device of a member that joins afterwards sees one "expired" placeholder in their place and
 * the later messages, verified on the head the placeholder gave; the member's old device,
 * which held the expired messages, goes on verifying without an alarm.
 */
@Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
class RetentionE2ETest {

    /** Long enough that the later messages cannot expire before a loaded machine starts the new device. */
    private static final int RETAIN_SECONDS = 20;

    private final ChatImage chat = ChatImage.fromSystemProperty();

    @TempDir
    Path tmp;

    private static String send(String text) {
        return "{\"cmd\":\"send\",\"channel\":\"team\",\"text\":\"" + text + "\"}";
    }

    /** A copy of a user's bundle without its state/: the same user on another device. */
    private static Path newDevice(Path bundle, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(bundle)) {
            for (Path f : files.toList()) {
                Path rel = bundle.relativize(f);
                if (rel.toString().startsWith("state")) {
                    continue;
                }
                Path target = to.resolve(rel.toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target);
                }
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return to;
    }

    private static final java.util.regex.Pattern COMPACTED =
            java.util.regex.Pattern.compile("journal compaction: (\\d+) message\\(s\\)");

    /** The messages the server's compactions have expired so far, from its log. */
    private static long expiredSoFar(String serverLog) {
        java.util.regex.Matcher m = COMPACTED.matcher(serverLog);
        long n = 0;
        while (m.find()) {
            n += Long.parseLong(m.group(1));
        }
        return n;
    }

    @Test
    void aNewDeviceSeesOnePlaceholderForExpiredMessagesAndTheOldDeviceGoesOnVerifying() throws Exception {
        try (ClientFixture f = new ClientFixture(chat, tmp, "alice", "bob")) {
            Path laptop = newDevice(f.bundle("bob"), tmp.resolve("bob-laptop")); // before bob's first login
            f.startServer("--retain", RETAIN_SECONDS + "s", "--compact-every", "1s");
            ClientProcess alice = f.client("alice");
            ClientProcess bob = f.client("bob");
            alice.ok("c", "{\"cmd\":\"create\",\"channel\":\"team\"}");
            alice.ok("i", "{\"cmd\":\"invite\",\"channel\":\"team\",\"user\":\"bob\"}");
            for (int i = 1; i <= 5; i++) {
                alice.ok("old" + i, send("old " + i));
            }
            bob.await("the last old message", event("message", "text", "old 5"));

            // Past the period, the compaction (every second) drops them from the journal.
            Thread.sleep(RETAIN_SECONDS * 1000L + 500);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (expiredSoFar(f.serverLog()) < 5) { // in one pass or several
                assertThat(System.nanoTime()).as("a compaction within 60 s\n" + f.serverLog()).isLessThan(deadline);
                Thread.sleep(200);
            }
            alice.ok("new1", send("new 1"));
            alice.ok("new2", send("new 2"));

            ClientProcess fresh = f.start("bob", laptop).ready();
            ClientProcess.Event placeholder = fresh.await("the placeholder", event("expired", "channel", "team"));
            assertThat(placeholder.num("fromSeq")).isEqualTo(3);
            assertThat(placeholder.num("toSeq")).isEqualTo(7);
            assertThat(placeholder.num("count")).isEqualTo(5);
            fresh.await("the first kept message", event("message", "text", "new 1"));
            fresh.await("the second kept message", event("message", "text", "new 2"));
            ClientProcess.Event history = fresh.call("h", "{\"cmd\":\"history\",\"channel\":\"team\"}");
            assertThat(history.type()).as(history.line()).isEqualTo("history");
            List<String> shown = ((JsonValue.JsonArray) history.get("entries")).elements().stream()
                    .map(e -> ((JsonValue.JsonString) ((JsonValue.JsonObject) e).fields().get("type")).value()).toList();
            assertThat(shown).as(history.line()).containsExactly("member", "member", "expired", "message", "message");

            // The old device held the expired messages: it goes on, checking every entry, with no alarm.
            bob.await("new 2 on the old device", event("message", "text", "new 2"));
            fresh.ok("reply", send("hello from the laptop"));
            bob.await("the laptop's message", event("message", "text", "hello from the laptop"));
            alice.await("the laptop's message", event("message", "text", "hello from the laptop"));
            bob.close();
            ClientProcess again = f.client("bob");
            alice.ok("last", send("after the restart"));
            again.await("after the restart", event("message", "text", "after the restart"));
            for (ClientProcess c : List.of(alice, fresh, again)) {
                assertThat(c.events(event("alarm"))).as(c + " alarms").isEmpty();
            }
        }
    }
}
