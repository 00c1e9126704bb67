package chat.e2e;

import static chat.e2e.ClientProcess.event;
import static org.assertj.core.api.Assertions.assertThat;

import chat.crypto.CryptoException;
import chat.protocol.AddUser;
import chat.protocol.ChannelCrypto;
import chat.protocol.ChannelEntry;
import chat.protocol.Comms;
import chat.protocol.Message;
import chat.protocol.MessageCodec;
import chat.protocol.Rotate;
import chat.protocol.identity.IdentityKeys;
import chat.protocol.identity.UserBundle;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Channels that change, from the built image as a script uses it: alice removes carol,
 * carol sees it and nothing after, bob leaves, the key rotates each time, dave joins and
 * reads the history; and what a removed member takes along (her keys) opens nothing the
 * server's journal holds from after her removal (docs/protocol.md, property 1).
 */
@Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
class MembershipE2ETest {

    private final ChatImage chat = ChatImage.fromSystemProperty();

    @TempDir
    Path tmp;

    private static String cmd(String name, String channel, String... userOrText) {
        StringBuilder s = new StringBuilder("{\"cmd\":\"" + name + "\",\"channel\":\"" + channel + "\"");
        if (userOrText.length > 0) {
            s.append(name.equals("send") ? ",\"text\":\"" : ",\"user\":\"").append(userOrText[0]).append('"');
        }
        return s.append('}').toString();
    }

    @Test
    void removedAndDepartedMembersReadNothingLaterAndANewcomerReadsEverything() throws Exception {
        try (ClientFixture f = new ClientFixture(chat, tmp, "alice", "bob", "carol", "dave")) {
            f.startServer();
            ClientProcess alice = f.client("alice");
            ClientProcess bob = f.client("bob");
            ClientProcess carol = f.client("carol");
            alice.ok("c", cmd("create", "team"));
            alice.ok("i1", cmd("invite", "team", "bob"));
            alice.ok("i2", cmd("invite", "team", "carol"));
            alice.ok("m1", cmd("send", "team", "before the removal"));
            carol.await("the message before her removal", event("message", "text", "before the removal"));

            long removal = alice.ok("rm", cmd("remove", "team", "carol")).num("seq");
            carol.await("her own removal", event("member", "user", "carol", "by", "alice", "change", "removed"));
            alice.await("the rotation after the removal", event("rotated", "channel", "team", "by", "alice", "epoch", 1));
            bob.await("the same rotation", event("rotated", "channel", "team", "epoch", 1));
            alice.ok("m2", cmd("send", "team", "after the removal"));
            bob.await("alice's message after the removal", event("message", "text", "after the removal"));
            ClientProcess.Event refused = carol.call("c1", cmd("send", "team", "am I still here"));
            assertThat(refused.type()).isEqualTo("error");
            assertThat(refused.str("code")).isEqualTo("notMember");
            assertThat(refused.str("message")).contains("alice removed you from #team");

            bob.ok("m3", cmd("send", "team", "bob before leaving"));
            bob.ok("leave", cmd("leave", "team"));
            alice.await("bob's departure", event("member", "user", "bob", "change", "left"));
            alice.await("the rotation after bob left", event("rotated", "channel", "team", "epoch", 2));
            alice.ok("i3", cmd("invite", "team", "dave"));
            alice.ok("m4", cmd("send", "team", "welcome dave"));
            ClientProcess dave = f.client("dave");
            for (String text : List.of("before the removal", "after the removal", "bob before leaving", "welcome dave")) {
                dave.await("every message of every epoch: " + text, event("message", "text", text));
            }
            ClientProcess.Event channels = alice.call("ch", "{\"cmd\":\"channels\"}");
            assertThat(channels.line()).contains("\"admins\":[\"alice\"]").contains("\"members\":[\"alice\",\"dave\"]")
                    .contains("\"epoch\":2");

            // carol's client, restarted, holds the channel up to her removal and raises nothing
            carol.quit();
            ClientProcess again = f.client("carol");
            alice.ok("m5", cmd("send", "team", "while carol restarts"));
            ClientProcess.Event history = again.call("h", "{\"cmd\":\"history\",\"channel\":\"team\"}");
            assertThat(history.line()).contains("before the removal").doesNotContain("after the removal")
                    .doesNotContain("while carol restarts");
            for (ClientProcess c : List.of(alice, bob, again, dave)) {
                assertThat(c.events(event("alarm"))).as(c.describe()).isEmpty();
            }
            for (ClientProcess c : List.of(alice, bob, again, dave)) {
                c.quit();
            }
            f.stopServer();

            // Property 1 against the real journal: every key carol was ever handed, and every
            // earlier key she could derive from them, opens no message accepted after her removal.
            List<ChannelEntry> journal = journalEntries(f.serverDir().resolve("data"));
            IdentityKeys carolKeys = UserBundle.load(f.bundle("carol")).unlock(f.passwords.get("carol").toCharArray());
            List<byte[]> carolHeld = keysHeldBy(journal, "carol", carolKeys);
            assertThat(carolHeld).as("carol was handed the key of epoch 0").isNotEmpty();
            int readable = 0;
            int after = 0;
            for (ChannelEntry e : journal) {
                if (!(e instanceof Comms c)) {
                    continue;
                }
                boolean opens = carolHeld.stream().anyMatch(k -> opens(k, c));
                if (c.stamp().channelSeq() > removal) {
                    after++;
                    assertThat(opens).as("entry #" + c.stamp().channelSeq() + " opens with a key carol held").isFalse();
                } else if (opens) {
                    readable++;
                }
            }
            assertThat(readable).as("the keys do open what carol could read before").isEqualTo(1);
            assertThat(after).as("messages after the removal are in the journal").isEqualTo(4);
        }
    }

    @Test
    void concurrentRotationsAndALeaveConvergeOnOneEpochWithNothingLost() {
        try (ClientFixture f = new ClientFixture(chat, tmp, "alice", "bob", "carol")) {
            f.startServer();
            ClientProcess alice = f.client("alice");
            ClientProcess bob = f.client("bob");
            ClientProcess carol = f.client("carol");
            alice.ok("c", cmd("create", "team"));
            alice.ok("i1", cmd("invite", "team", "bob"));
            alice.ok("i2", cmd("invite", "team", "carol"));
            alice.ok("a", cmd("admin", "team", "bob"));
            bob.await("his promotion", event("member", "user", "bob", "change", "admin"));
            carol.await("bob's promotion", event("member", "user", "bob", "change", "admin"));
            // at once, without waiting for each other: two rotations, a leave, and messages
            alice.send("{\"cmd\":\"rotate\",\"channel\":\"team\",\"id\":\"ra\"}");
            bob.send("{\"cmd\":\"rotate\",\"channel\":\"team\",\"id\":\"rb\"}");
            carol.send("{\"cmd\":\"leave\",\"channel\":\"team\",\"id\":\"lc\"}");
            alice.send("{\"cmd\":\"send\",\"channel\":\"team\",\"text\":\"from alice\",\"id\":\"ma\"}");
            bob.send("{\"cmd\":\"send\",\"channel\":\"team\",\"text\":\"from bob\",\"id\":\"mb\"}");
            for (String[] answer : List.of(new String[] {"alice", "ra"}, new String[] {"bob", "rb"},
                    new String[] {"carol", "lc"}, new String[] {"alice", "ma"}, new String[] {"bob", "mb"})) {
                ClientProcess c = answer[0].equals("alice") ? alice : answer[0].equals("bob") ? bob : carol;
                c.await("the answer to " + answer[1], e -> answer[1].equals(e.str("id")) && "ok".equals(e.type()));
            }
            alice.await("bob's message", event("message", "text", "from bob"));
            bob.await("alice's message", event("message", "text", "from alice"));
            // sent after alice saw carol leave: it waits for the rotation that answers the leave
            alice.ok("done", cmd("send", "team", "done"));
            bob.await("the last message", event("message", "text", "done"));
            ClientProcess.Event a = alice.call("ch", "{\"cmd\":\"channels\"}");
            ClientProcess.Event b = bob.call("ch", "{\"cmd\":\"channels\"}");
            assertThat(a.line()).contains("\"members\":[\"alice\",\"bob\"]");
            String epochA = a.line().replaceAll(".*\"epoch\":(\\d+).*", "$1");
            String epochB = b.line().replaceAll(".*\"epoch\":(\\d+).*", "$1");
            assertThat(epochA).as("one epoch for everyone").isEqualTo(epochB);
            assertThat(Long.parseLong(epochA)).as("the leave was answered by a rotation").isGreaterThanOrEqualTo(1);
            assertThat(a.line().replaceAll(".*\"lastSeq\":(\\d+).*", "$1"))
                    .isEqualTo(b.line().replaceAll(".*\"lastSeq\":(\\d+).*", "$1"));
            for (ClientProcess c : List.of(alice, bob, carol)) {
                assertThat(c.events(event("alarm"))).as(c.describe()).isEmpty();
            }
        }
    }

    private static boolean opens(byte[] key, Comms c) {
        try {
            ChannelCrypto.openText(key, c);
            return true;
        } catch (CryptoException e) {
            return false;
        }
    }

    /** Keys wrapped to {@code user} anywhere in the journal, plus every earlier epoch's key derivable from them. */
    private static List<byte[]> keysHeldBy(List<ChannelEntry> journal, String user, IdentityKeys keys) {
        List<byte[]> held = new ArrayList<>();
        for (ChannelEntry e : journal) {
            try {
                if (e instanceof AddUser a && a.invitee().equals(user)) {
                    held.add(ChannelCrypto.unwrapKey(a, keys.agreement()));
                } else if (e instanceof Rotate r && r.keys().containsKey(user)) {
                    held.add(ChannelCrypto.unwrapKey(r, user, keys.agreement()));
                }
            } catch (CryptoException ex) {
                throw new AssertionError(ex);
            }
        }
        for (ChannelEntry e : journal) {
            if (e instanceof Rotate r) {
                for (byte[] k : List.copyOf(held)) {
                    try {
                        held.add(ChannelCrypto.openPrevious(k, r));
                    } catch (CryptoException ignored) {
                        // not the key of that rotation's epoch
                    }
                }
            }
        }
        return held;
    }

    /** Every stored entry, found as the canonical JSON objects the journal segments hold verbatim. */
    private static List<ChannelEntry> journalEntries(Path data) throws IOException {
        List<ChannelEntry> out = new ArrayList<>();
        byte[] marker = "{\"channelID\":".getBytes(StandardCharsets.US_ASCII);
        try (Stream<Path> files = Files.walk(data)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                byte[] bytes = Files.readAllBytes(file);
                for (int i = 0; i + marker.length <= bytes.length; i++) {
                    if (!startsWith(bytes, i, marker)) {
                        continue;
                    }
                    int depth = 0;
                    int end = i;
                    for (; end < bytes.length; end++) {
                        if (bytes[end] == '{') {
                            depth++;
                        } else if (bytes[end] == '}' && --depth == 0) {
                            break;
                        }
                    }
                    try {
                        Message m = new MessageCodec().decode(bytes, i, end + 1 - i);
                        if (m instanceof ChannelEntry ce && ce.stamp() != null
                                && out.stream().noneMatch(o -> o.stamp().channelSeq() == ce.stamp().channelSeq())) {
                            out.add(ce);
                        }
                    } catch (chat.protocol.ProtocolException notAnEntry) {
                        // bytes that only look like the start of one
                    }
                }
            }
        }
        out.sort(java.util.Comparator.comparingLong(e -> e.stamp().channelSeq()));
        return out;
    }

    private static boolean startsWith(byte[] bytes, int at, byte[] prefix) {
        for (int k = 0; k < prefix.length; k++) {
            if (bytes[at + k] != prefix[k]) {
                return false;
            }
        }
        return true;
    }
}
