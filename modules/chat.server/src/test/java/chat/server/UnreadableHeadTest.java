package chat.server;

import static org.assertj.core.api.Assertions.assertThat;

import chat.protocol.Comms;
import chat.protocol.Entries;
import chat.protocol.ErrorCode;
import chat.protocol.ErrorMessage;
import chat.protocol.View;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attack review finding 9: when the head a view names cannot be read back from the journal
 * (damage under a running server), the fork check must not be skipped. Unchecked, any
 * view would pass and a member could make every other member's client alarm "fork"; the
 * entry is refused ({@code badView}) instead, and a view of the newest entry still passes.
 */
@Timeout(value = 90, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class UnreadableHeadTest {

    @TempDir
    Path tmp;

    private ChatServer server;
    private TestClient alice;

    @AfterEach
    void stop() {
        if (alice != null) {
            alice.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aViewWhoseHeadCannotBeReadBackIsRefusedNotWavedThrough() throws Exception {
        Bundle bundle = Bundle.generate(tmp.resolve("keys"), "alice");
        ServerConfig config = bundle.config(tmp.resolve("data"));
        server = ChatServer.start(config);
        alice = TestClient.connect(server, bundle, "alice");
        alice.sync();
        alice.create("room");
        for (int i = 0; i < 3; i++) {
            alice.say("room", "message number " + i + " with enough text to find it in the journal");
        }
        alice.awaitSeq("room", 4);
        ClientState state = alice.state();
        ClientState.Received second = state.entries("room").get(1);
        assertThat(second.seq()).isEqualTo(2);
        alice.close();
        server.close();

        // a restart forgets the recent heads, so the server must read #2's head from the journal
        server = ChatServer.start(config);
        Path segment = tmp.resolve("data/journal/00000001.seg");
        byte[] journal = Files.readAllBytes(segment);
        int at = indexOf(journal, second.canonical());
        assertThat(at).as("entry #2 in the journal").isPositive();
        journal[at + second.canonical().length / 2] ^= 0x40;
        Files.write(segment, journal);

        alice = TestClient.connect(server, bundle, state);
        alice.sync();
        Comms overDamage = Entries.comms(bundle.user("alice").signing(), "room", 0, "alice", state.nextUserSeq(),
                new View(2, second.headAfter()), state.key("room"), "signed over the damaged entry");
        alice.send(overDamage);
        ErrorMessage refused = alice.nextError(ErrorCode.BAD_VIEW);
        assertThat(refused.message()).contains("cannot be read back");
        Comms overNewest = alice.say("room", "signed over the newest entry");
        alice.awaitAck(overNewest);
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
