package chat.server;

import static org.assertj.core.api.Assertions.assertThat;

import chat.crypto.AgreementKeyPair;
import chat.protocol.AddUser;
import chat.protocol.ChainHash;
import chat.protocol.ChannelCrypto;
import chat.protocol.Comms;
import chat.protocol.Entries;
import chat.protocol.ErrorCode;
import chat.protocol.ErrorMessage;
import chat.protocol.Message;
import chat.protocol.Ping;
import chat.protocol.Pong;
import chat.protocol.Stamp;
import chat.protocol.Sync;
import chat.protocol.View;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every request the server must refuse: the error code, the request it names, the state
 * it leaves unchanged (nothing broadcast, no channelSeq used up) and a connection that
 * still works afterwards.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RefusalTest {

    @TempDir
    Path tmp;

    private Bundle bundle;
    private ChatServer server;
    private final List<TestClient> clients = new ArrayList<>();
    private TestClient alice;
    private TestClient bob;
    private TestClient carol;

    @BeforeEach
    void start() throws Exception {
        bundle = Bundle.generate(tmp.resolve("keys"), "alice", "bob", "carol");
        server = ChatServer.start(bundle.config(tmp.resolve("data")));
        alice = login("alice");
        bob = login("bob");
        carol = login("carol");
        for (TestClient c : clients) {
            c.sync();
        }
        alice.create("room");
        alice.awaitSeq("room", 1);
        AddUser invite = alice.invite("room", "bob");
        alice.awaitAck(invite);
        bob.awaitSeq("room", 2);
    }

    @AfterEach
    void stop() {
        clients.forEach(TestClient::close);
        server.close();
    }

    private TestClient login(String user) throws Exception {
        TestClient c = TestClient.connect(server, bundle, user);
        clients.add(c);
        return c;
    }

    /** Sends {@code bad}, expects {@code code} naming the request, then proves nothing changed and the connection works. */
    private ErrorMessage refused(TestClient who, Message bad, ErrorCode code) throws Exception {
        long before = alice.state().seq("room");
        who.send(bad);
        ErrorMessage e = who.nextError(code);
        switch (bad) {
            case Comms c -> {
                assertThat(e.channelID()).isEqualTo(c.channelID());
                assertThat(e.userSeq()).isEqualTo(c.userSeq());
            }
            case AddUser a -> {
                assertThat(e.channelID()).isEqualTo(a.channelID());
                assertThat(e.userSeq()).isEqualTo(a.userSeq());
            }
            default -> {
            }
        }
        assertThat(e.message()).isNotBlank();
        stillWorks(who, before);
        return e;
    }

    /** A valid message from a member goes through next, with the very next channelSeq, and everyone sees it. */
    private void stillWorks(TestClient who, long before) throws Exception {
        TestClient sender = who.state().seq("room") > 0 ? who : alice;
        if (sender != who) {
            who.send(new Ping());
            who.next(Pong.class);
        }
        Comms ok = sender.say("room", "after a refusal from " + who.user());
        sender.awaitAck(ok);
        for (TestClient member : List.of(alice, bob)) {
            member.awaitSeq("room", before + 1);
            ClientState.Received last = member.state().entries("room").getLast();
            assertThat(last.seq()).isEqualTo(before + 1);
            assertThat(last.text()).isEqualTo("after a refusal from " + who.user());
            assertThat(member.state().problems()).isEmpty();
        }
        assertThat(carol.state().channelNames()).doesNotContain("room");
    }

    @Test
    void aNonMembersCommsIsRefusedAndNothingIsBroadcast() throws Exception {
        Comms intruding = Entries.comms(bundle.user("carol").signing(), "room", 0, "carol", 1,
                alice.state().view("room"), ChannelCrypto.newChannelKey(), "let me in");
        refused(carol, intruding, ErrorCode.NOT_MEMBER);
        // carol's userSeq 1 was not used up.
        carol.create("carols");
        carol.awaitSeq("carols", 1);
        assertThat(carol.state().entries("carols").getFirst().userSeq()).isEqualTo(1);
        Comms again = Entries.comms(bundle.user("carol").signing(), "room", 0, "carol", 3,
                alice.state().view("room"), ChannelCrypto.newChannelKey(), "still not");
        refused(carol, again, ErrorCode.NOT_MEMBER);
    }

    @Test
    void aForgedSignatureIsRefused() throws Exception {
        Comms real = alice.comms("room", "signed by me");
        byte[] sig = real.signature().clone();
        sig[7] ^= 0x20;
        Comms forged = new Comms(real.channelID(), real.epoch(), real.userID(), real.userSeq(), real.view(),
                real.nonce(), real.ct(), sig, null);
        refused(alice, forged, ErrorCode.BAD_SIGNATURE);
        // A changed ciphertext under the real signature is just as forged.
        Comms other = alice.comms("room", "x");
        Comms swapped = new Comms(other.channelID(), other.epoch(), other.userID(), other.userSeq(), other.view(),
                other.nonce(), real.ct(), other.signature(), null);
        refused(alice, swapped, ErrorCode.BAD_SIGNATURE);
        // So is an invite signed by someone else's key.
        AddUser byBob = Entries.addUser(bundle.user("bob").signing(), "room", 0, "alice", "carol",
                bundle.user("carol").agreement().publicKey(), alice.state().key("room"), alice.state().nextUserSeq(),
                alice.state().view("room"));
        refused(alice, byBob, ErrorCode.BAD_SIGNATURE);
    }

    @Test
    void commsClaimingAnotherUserIsRefusedEvenWithThatUsersValidSignature() throws Exception {
        Comms asBob = Entries.comms(bundle.user("bob").signing(), "room", 0, "bob", 1000, alice.state().view("room"),
                alice.state().key("room"), "I am bob");
        ErrorMessage e = refused(alice, asBob, ErrorCode.NOT_MEMBER);
        assertThat(e.message()).contains("bob", "alice");
        // bob's own userSeq was not touched: his next message with a small userSeq is accepted.
        Comms real = Entries.comms(bundle.user("bob").signing(), "room", 0, "bob", 1, bob.state().view("room"),
                bob.state().key("room"), "the real bob");
        bob.send(real);
        bob.awaitAck(real);
    }

    @Test
    void aReplayedCommsIsStaleAndNamesTheLastUserSeq() throws Exception {
        Comms once = alice.say("room", "only once");
        alice.awaitAck(once);
        ErrorMessage e = refused(alice, once, ErrorCode.STALE_USER_SEQ);
        assertThat(e.lastUserSeq()).isEqualTo(once.userSeq());
        // The refusal in stillWorks() sent userSeq once+1, so now the last is that one.
        Comms older = Entries.comms(bundle.user("alice").signing(), "room", 0, "alice", once.userSeq(),
                alice.state().view("room"), alice.state().key("room"), "older");
        ErrorMessage e2 = refused(alice, older, ErrorCode.STALE_USER_SEQ);
        assertThat(e2.lastUserSeq()).isEqualTo(once.userSeq() + 1);
        // Stale across channels too: userSeq is per user, not per channel.
        AddUser create = Entries.addUser(bundle.user("alice").signing(), "second", 0, "alice", "alice",
                bundle.user("alice").agreement().publicKey(), ChannelCrypto.newChannelKey(), 1,
                new View(0, ChainHash.genesis("second")));
        ErrorMessage e3 = refused(alice, create, ErrorCode.STALE_USER_SEQ);
        assertThat(e3.lastUserSeq()).isGreaterThan(once.userSeq());
    }

    @Test
    void channelCreationRefusals() throws Exception {
        AddUser dup = Entries.addUser(bundle.user("bob").signing(), "room", 0, "bob", "bob",
                bundle.user("bob").agreement().publicKey(), ChannelCrypto.newChannelKey(), bob.state().nextUserSeq(),
                new View(0, ChainHash.genesis("room")));
        refused(bob, dup, ErrorCode.CHANNEL_EXISTS);
        AddUser badView = Entries.addUser(bundle.user("carol").signing(), "fresh", 0, "carol", "carol",
                bundle.user("carol").agreement().publicKey(), ChannelCrypto.newChannelKey(), carol.state().nextUserSeq(),
                new View(1, ChainHash.genesis("fresh")));
        refused(carol, badView, ErrorCode.BAD_VIEW);
        AddUser wrongGenesis = Entries.addUser(bundle.user("carol").signing(), "fresh", 0, "carol", "carol",
                bundle.user("carol").agreement().publicKey(), ChannelCrypto.newChannelKey(), carol.state().nextUserSeq(),
                new View(0, ChainHash.genesis("room")));
        refused(carol, wrongGenesis, ErrorCode.BAD_VIEW);
        AddUser epoch = Entries.addUser(bundle.user("carol").signing(), "fresh", 1, "carol", "carol",
                bundle.user("carol").agreement().publicKey(), ChannelCrypto.newChannelKey(), carol.state().nextUserSeq(),
                new View(0, ChainHash.genesis("fresh")));
        refused(carol, epoch, ErrorCode.WRONG_EPOCH);
        // None of these created "fresh": carol can still create it.
        carol.create("fresh");
        carol.awaitSeq("fresh", 1);
        assertThat(carol.state().entries("fresh")).hasSize(1);
    }

    @Test
    void inviteRefusals() throws Exception {
        AgreementKeyPair stranger = AgreementKeyPair.generate();
        AddUser unknown = Entries.addUser(bundle.user("alice").signing(), "room", 0, "alice", "mallory",
                stranger.publicKey(), alice.state().key("room"), alice.state().nextUserSeq(), alice.state().view("room"));
        refused(alice, unknown, ErrorCode.UNKNOWN_INVITEE);
        AddUser member = Entries.addUser(bundle.user("alice").signing(), "room", 0, "alice", "bob",
                bundle.user("bob").agreement().publicKey(), alice.state().key("room"), alice.state().nextUserSeq(),
                alice.state().view("room"));
        refused(alice, member, ErrorCode.ALREADY_MEMBER);
        AddUser byOutsider = Entries.addUser(bundle.user("carol").signing(), "room", 0, "carol", "carol",
                bundle.user("carol").agreement().publicKey(), ChannelCrypto.newChannelKey(), carol.state().nextUserSeq(),
                new View(0, ChainHash.genesis("room")));
        refused(carol, byOutsider, ErrorCode.CHANNEL_EXISTS);
        AddUser outsiderInvites = Entries.addUser(bundle.user("carol").signing(), "room", 0, "carol", "bob",
                bundle.user("bob").agreement().publicKey(), ChannelCrypto.newChannelKey(), carol.state().nextUserSeq(),
                alice.state().view("room"));
        refused(carol, outsiderInvites, ErrorCode.NOT_MEMBER);
        AddUser nowhere = Entries.addUser(bundle.user("alice").signing(), "nowhere", 0, "alice", "bob",
                bundle.user("bob").agreement().publicKey(), ChannelCrypto.newChannelKey(), alice.state().nextUserSeq(),
                new View(0, ChainHash.genesis("nowhere")));
        refused(alice, nowhere, ErrorCode.NO_SUCH_CHANNEL);
        View now = alice.state().view("room");
        AddUser ahead = Entries.addUser(bundle.user("alice").signing(), "room", 0, "alice", "carol",
                bundle.user("carol").agreement().publicKey(), alice.state().key("room"), alice.state().nextUserSeq(),
                new View(now.seq() + 1, now.head()));
        refused(alice, ahead, ErrorCode.BAD_VIEW);
        AddUser epoch = Entries.addUser(bundle.user("alice").signing(), "room", 1, "alice", "carol",
                bundle.user("carol").agreement().publicKey(), alice.state().key("room"), alice.state().nextUserSeq(),
                alice.state().view("room"));
        refused(alice, epoch, ErrorCode.WRONG_EPOCH);
        // carol was never let in by any of these.
        AddUser real = alice.invite("room", "carol");
        alice.awaitAck(real);
        carol.awaitSeq("room", alice.state().seq("room"));
        assertThat(carol.state().problems()).isEmpty();
    }

    @Test
    void commsRefusalsForViewEpochChannelAndServerFields() throws Exception {
        View now = alice.state().view("room");
        Comms ahead = Entries.comms(bundle.user("alice").signing(), "room", 0, "alice", alice.state().nextUserSeq(),
                new View(now.seq() + 5, now.head()), alice.state().key("room"), "from the future");
        refused(alice, ahead, ErrorCode.BAD_VIEW);
        // A head the channel never had: accepted, it would make every other member's client
        // raise a fork alarm and stop the channel.
        byte[] wrongHead = now.head().clone();
        wrongHead[0] ^= 1;
        Comms forged = Entries.comms(bundle.user("alice").signing(), "room", 0, "alice", alice.state().nextUserSeq(),
                new View(now.seq(), wrongHead), alice.state().key("room"), "a view of nothing");
        refused(alice, forged, ErrorCode.BAD_VIEW);
        Comms genesisLie = Entries.comms(bundle.user("alice").signing(), "room", 0, "alice", alice.state().nextUserSeq(),
                new View(0, ChainHash.genesis("elsewhere")), alice.state().key("room"), "a view of nothing");
        refused(alice, genesisLie, ErrorCode.BAD_VIEW);
        Comms epoch = Entries.comms(bundle.user("alice").signing(), "room", 1, "alice", alice.state().nextUserSeq(),
                alice.state().view("room"), alice.state().key("room"), "next epoch");
        refused(alice, epoch, ErrorCode.WRONG_EPOCH);
        Comms nowhere = Entries.comms(bundle.user("alice").signing(), "nowhere", 0, "alice", alice.state().nextUserSeq(),
                new View(0, ChainHash.genesis("nowhere")), alice.state().key("room"), "?");
        refused(alice, nowhere, ErrorCode.NO_SUCH_CHANNEL);
        Comms valid = alice.comms("room", "stamped by me");
        Comms stamped = valid.withStamp(new Stamp(99, 1));
        refused(alice, stamped, ErrorCode.BAD_MESSAGE);
    }

    @Test
    void commsBeforeSyncIsUnexpectedAndTheConnectionGoesOnAfterSync() throws Exception {
        ClientState second = new ClientState(bundle.user("bob"), bundle.directory);
        TestClient bob2 = TestClient.connect(server, bundle, second);
        clients.add(bob2);
        Comms early = Entries.comms(bundle.user("bob").signing(), "room", 0, "bob", 50, bob.state().view("room"),
                bob.state().key("room"), "too early");
        bob2.send(early);
        ErrorMessage e = bob2.nextError(ErrorCode.UNEXPECTED_MESSAGE);
        assertThat(e.userSeq()).isEqualTo(50);
        bob2.sync();
        assertThat(second.entries("room")).hasSize(2);
        long before = alice.state().seq("room");
        Comms ok = bob2.say("room", "after a refusal from bob");
        bob2.awaitAck(ok);
        assertThat(ok.userSeq()).isEqualTo(1);
        alice.awaitSeq("room", before + 1);
        // A second sync on the same connection is refused too, and changes nothing.
        bob2.send(new Sync(Map.of()));
        bob2.nextError(ErrorCode.UNEXPECTED_MESSAGE);
        stillWorks(bob2, alice.state().seq("room"));
    }

    /** Finding 12: an entry whose stamped copy would not fit the frame limit is refused, so none is ever sent. */
    @Test
    void anEntryWithNoRoomForItsStampIsRefused() throws Exception {
        int limit = chat.protocol.ProtocolLimits.DEFAULT_MAX_FRAME_BYTES; // what bundle.config(...) serves with
        chat.protocol.MessageCodec codec = new chat.protocol.MessageCodec();
        long userSeq = alice.state().nextUserSeq();
        Comms big = null;
        int text = 700_000;
        for (int attempt = 0; attempt < 40 && big == null; attempt++) {
            Comms c = Entries.comms(bundle.user("alice").signing(), "room", 0, "alice", userSeq,
                    alice.state().view("room"), alice.state().key("room"), "x".repeat(text));
            int frame = codec.encode(c).length + 16;
            if (frame > limit - 40 && frame <= limit) {
                big = c;
            } else {
                int gap = (limit - 20) - frame; // base64: 4 characters per 3 bytes
                text += gap == 0 ? 1 : gap * 3 / 4 + (gap > 0 ? 1 : -1);
            }
        }
        assertThat(big).as("a comms just under the frame limit").isNotNull();
        ErrorMessage e = refused(alice, big, ErrorCode.LIMIT_EXCEEDED);
        assertThat(e.message()).contains("stamped copy fits the frame limit");
        stillWorks(alice, alice.state().seq("room"));
    }

    /** docs/protocol.md: the error is the first rule broken, in the table's order (sync, server fields, author). */
    @Test
    void theFirstRuleBrokenNamesTheError() throws Exception {
        TestClient bob2 = TestClient.connect(server, bundle, new ClientState(bundle.user("bob"), bundle.directory));
        clients.add(bob2);
        // before sync, claiming another author and carrying the server's fields: unexpectedMessage
        Comms asAlice = Entries.comms(bundle.user("alice").signing(), "room", 0, "alice", 70, bob.state().view("room"),
                bob.state().key("room"), "before sync, as alice");
        bob2.send(asAlice.withStamp(new chat.protocol.Stamp(9, 9)));
        bob2.nextError(ErrorCode.UNEXPECTED_MESSAGE);
        bob2.sync();
        // after sync, claiming another author and carrying the server's fields: badMessage
        bob2.send(asAlice.withStamp(new chat.protocol.Stamp(9, 9)));
        bob2.nextError(ErrorCode.BAD_MESSAGE);
        // then only another author: notMember
        bob2.send(asAlice);
        bob2.nextError(ErrorCode.NOT_MEMBER);
        stillWorks(bob2, alice.state().seq("room"));
    }

    @Test
    void malformedRequestsAfterLoginAreRefusedWithoutEndingTheConnection() throws Exception {
        long before = alice.state().seq("room");
        alice.sendJson("{\"type\":\"nonsense\"}".getBytes(StandardCharsets.UTF_8));
        alice.nextError(ErrorCode.UNKNOWN_TYPE);
        alice.sendJson("not json at all".getBytes(StandardCharsets.UTF_8));
        alice.nextError(ErrorCode.BAD_MESSAGE);
        alice.sendJson("{\"type\":\"comms\",\"channelID\":\"room\"}".getBytes(StandardCharsets.UTF_8));
        alice.nextError(ErrorCode.BAD_MESSAGE);
        alice.sendJson(("{\"type\":\"sync\",\"cursors\":" + "{\"a\":".repeat(20) + "1" + "}".repeat(20) + "}")
                .getBytes(StandardCharsets.UTF_8));
        alice.nextError(ErrorCode.LIMIT_EXCEEDED);
        alice.send(new chat.protocol.InitConfirm(new byte[64]));
        alice.nextError(ErrorCode.UNEXPECTED_MESSAGE);
        alice.send(new chat.protocol.ReplayFinished(1, Map.of()));
        alice.nextError(ErrorCode.UNEXPECTED_MESSAGE);
        alice.send(ErrorMessage.of(ErrorCode.BAD_MESSAGE, "clients may report errors; the server only logs them"));
        stillWorks(alice, before);
    }
}
