package chat.server;

import static org.assertj.core.api.Assertions.assertThat;

import chat.protocol.AddUser;
import chat.protocol.Comms;
import chat.protocol.ErrorCode;
import chat.protocol.ErrorMessage;
import chat.protocol.Sync;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Limits that keep one user from hurting others: channels per user (so no member can
 * flood someone's replay with invitations), bounded error replies, and a byte budget per
 * connection (so a client that stops reading cannot make the server hold gigabytes).
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LimitsTest {

    @TempDir
    Path tmp;

    private ChatServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void nobodyCanBeMadeAMemberOfMoreChannelsThanTheLimit() throws Exception {
        Bundle bundle = Bundle.generate(tmp.resolve("keys"), "alice", "carol");
        ServerConfig c = bundle.config(tmp.resolve("data"));
        server = ChatServer.start(new ServerConfig(c.bundleDir(), c.dataDir(), c.listen(), c.limits(),
                c.maxConnections(), c.maxConnectionsPerUser(), c.handshakeTimeout(), c.idleTimeout(),
                c.outboundQueue(), 3));
        try (TestClient alice = TestClient.connect(server, bundle, "alice");
             TestClient carol = TestClient.connect(server, bundle, "carol")) {
            alice.sync();
            carol.sync();
            for (String name : new String[] {"a1", "a2", "a3"}) {
                alice.awaitAck(alice.create(name));
            }
            AddUser fourth = alice.create("a4");
            ErrorMessage refused = alice.nextError(ErrorCode.LIMIT_EXCEEDED);
            assertThat(refused.userSeq()).isEqualTo(fourth.userSeq());
            assertThat(refused.message()).contains("alice is a member of 3 channels already");

            carol.awaitAck(carol.create("c1"));
            AddUser invite = carol.invite("c1", "alice");
            ErrorMessage full = carol.nextError(ErrorCode.LIMIT_EXCEEDED);
            assertThat(full.userSeq()).isEqualTo(invite.userSeq());
            assertThat(full.channelID()).isEqualTo("c1");

            // both connections go on working
            Comms ok = alice.say("a1", "still here");
            alice.awaitAck(ok);
            carol.awaitAck(carol.say("c1", "me too"));
        }
    }

    @Test
    void errorRepliesQuoteAtMostAFewHundredCharactersOfWhatTheClientSent() throws Exception {
        Bundle bundle = Bundle.generate(tmp.resolve("keys"), "alice");
        server = ChatServer.start(bundle.config(tmp.resolve("data")));
        try (TestClient alice = TestClient.connect(server, bundle, "alice")) {
            alice.sync();
            String type = "t".repeat(200_000);
            alice.sendJson(("{\"type\":\"" + type + "\"}").getBytes(StandardCharsets.UTF_8));
            ErrorMessage e = alice.nextError(ErrorCode.UNKNOWN_TYPE);
            assertThat(e.message().length()).isLessThan(400);
            assertThat(e.message()).contains("unknown message type", "chars)");
            alice.awaitAck(alice.create("fine"));
        }
    }

    @Test
    void aMemberThatStopsReadingIsCutOffByItsByteBudgetLongBeforeItsFrameLimit() throws Exception {
        Bundle bundle = Bundle.generate(tmp.resolve("keys"), "alice", "mallory");
        server = ChatServer.start(bundle.config(tmp.resolve("data")));
        TestClient mallory = TestClient.connect(server.address(), new ClientState(bundle.user("mallory"),
                bundle.directory), bundle.directory, 4096, false);
        try (TestClient alice = TestClient.connect(server, bundle, "alice"); mallory) {
            alice.sync();
            mallory.send(new Sync(Map.of()));
            alice.awaitAck(alice.create("big"));
            alice.awaitAck(alice.invite("big", "mallory"));
            assertThat(server.connectionCount()).isEqualTo(2);
            // 600 KB messages: 16 MiB of them is a few dozen frames, far below the 8192-frame limit.
            String text = "z".repeat(600_000);
            int sent = 0;
            while (server.connectionCount() > 1) {
                assertThat(sent).as("mallory should have been cut off by the byte budget").isLessThan(200);
                alice.awaitAck(alice.say("big", text + sent));
                sent++;
            }
            assertThat(sent).isGreaterThan(10);
            alice.awaitAck(alice.say("big", "alice goes on"));
        }
    }
}
