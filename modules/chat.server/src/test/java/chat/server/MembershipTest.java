package chat.server;

import static org.assertj.core.api.Assertions.assertThat;

import chat.protocol.ChannelEntry;
import chat.protocol.Comms;
import chat.protocol.Entries;
import chat.protocol.ErrorCode;
import chat.protocol.ErrorMessage;
import chat.protocol.MemberChange;
import chat.protocol.ReplayFinished;
import chat.protocol.Rotate;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Membership as it changes (docs/protocol.md, "Roles and membership changes"): the
 * acceptance rules for member and rotate and the ones a pending rotation adds, delivery to
 * departed members, the channel limit, succession, re-invitation, and a restart.
 */
@Timeout(value = 90, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class MembershipTest {

    @TempDir
    Path tmp;

    private Bundle bundle;
    private ServerConfig config;
    private ChatServer server;
    private final List<AutoCloseable> open = new ArrayList<>();
    private TestClient alice;
    private TestClient bob;
    private TestClient carol;
    private TestClient dave;

    /** alice creates "room" and invites bob, carol and dave, in that order: seqs 1-4. */
    @BeforeEach
    void start() throws Exception {
        bundle = Bundle.generate(tmp.resolve("keys"), "alice", "bob", "carol", "dave", "erin");
        config = bundle.config(tmp.resolve("data"));
        server = startServer(config);
        alice = login("alice");
        bob = login("bob");
        carol = login("carol");
        dave = login("dave");
        alice.create("room");
        for (String invitee : List.of("bob", "carol", "dave")) {
            accepted(alice, alice.invite("room", invitee));
        }
        for (TestClient c : List.of(bob, carol, dave)) {
            c.awaitSeq("room", 4);
        }
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
        for (TestClient c : List.of(alice, bob, carol, dave)) {
            assertThat(c.state().problems()).isEmpty();
        }
    }

    private ChatServer startServer(ServerConfig c) throws Exception {
        ChatServer s = ChatServer.start(c);
        open.add(s);
        return s;
    }

    private TestClient login(String user) throws Exception {
        return login(new ClientState(bundle.user(user), bundle.directory));
    }

    private TestClient login(ClientState state) throws Exception {
        TestClient c = connect(state);
        c.sync();
        return c;
    }

    private TestClient connect(ClientState state) throws Exception {
        TestClient c = TestClient.connect(server, bundle, state);
        open.add(c);
        return c;
    }

    private ClientState device(String user) {
        return new ClientState(bundle.user(user), bundle.directory);
    }

    private static void accepted(TestClient who, ChannelEntry sent) throws Exception {
        who.awaitAck(sent);
    }

    /** Expects {@code code} for {@code bad}, which was sent already. */
    private static ErrorMessage refused(TestClient who, ChannelEntry bad, ErrorCode code) throws Exception {
        ErrorMessage e = who.nextError(code);
        assertThat(e.channelID()).isEqualTo(bad.channelID());
        assertThat(e.userSeq()).as(e.toString()).isEqualTo(bad.userSeq());
        return e;
    }

    /** Sends {@code bad} and expects {@code code} naming it. */
    private static ErrorMessage send(TestClient who, ChannelEntry bad, ErrorCode code) throws Exception {
        who.send(bad);
        return refused(who, bad, code);
    }

    private static List<String> texts(TestClient c) {
        return c.state().entries("room").stream().map(ClientState.Received::text).filter(Objects::nonNull).toList();
    }

    @Test
    void aNonAdminsRemovalOrPromotionIsNotAdmin() throws Exception {
        send(bob, bob.member("room", "carol", MemberChange.Change.REMOVE), ErrorCode.NOT_ADMIN);
        send(bob, bob.member("room", "carol", MemberChange.Change.ADMIN), ErrorCode.NOT_ADMIN);
        accepted(alice, alice.promote("room", "bob"));
        accepted(bob, bob.remove("room", "carol")); // an admin now
        alice.awaitSeq("room", 6); // bob's echo can come before alice's copy
        assertThat(alice.state().seq("room")).isEqualTo(6);
    }

    @Test
    void removingANonMemberOrPromotingAnAdminIsBadSubject() throws Exception {
        send(alice, alice.member("room", "erin", MemberChange.Change.REMOVE), ErrorCode.BAD_SUBJECT);
        send(alice, alice.member("room", "erin", MemberChange.Change.ADMIN), ErrorCode.BAD_SUBJECT);
        accepted(alice, alice.promote("room", "bob"));
        send(alice, alice.member("room", "bob", MemberChange.Change.ADMIN), ErrorCode.BAD_SUBJECT);
        accepted(alice, alice.remove("room", "bob")); // admins may remove admins
        send(alice, alice.member("room", "bob", MemberChange.Change.REMOVE), ErrorCode.BAD_SUBJECT);
    }

    @Test
    void commsAndInvitesWhileARotationIsPendingAreRotationPendingMemberEntriesAreNot() throws Exception {
        accepted(alice, alice.remove("room", "dave"));
        carol.awaitSeq("room", 5);
        send(carol, carol.comms("room", "too early"), ErrorCode.ROTATION_PENDING);
        Comms early = alice.comms("room", "too early");
        alice.send(early);
        refused(alice, early, ErrorCode.ROTATION_PENDING);
        alice.invite("room", "erin");
        assertThat(alice.next(ErrorMessage.class).code()).isEqualTo(ErrorCode.ROTATION_PENDING);
        accepted(alice, alice.promote("room", "carol")); // member entries go on while pending
        accepted(carol, carol.rotate("room", "alice", "bob", "carol"));
        accepted(carol, carol.say("room", "after the rotate"));
        alice.awaitSeq("room", 8);
        assertThat(texts(alice)).containsExactly("after the rotate");
        assertThat(alice.state().epoch("room")).isEqualTo(1);
    }

    @Test
    void commsInTheOldEpochAfterARotateIsWrongEpoch() throws Exception {
        Comms old = bob.comms("room", "epoch 0");
        accepted(alice, alice.rotate("room", "alice", "bob", "carol", "dave"));
        bob.awaitSeq("room", 5);
        send(bob, old, ErrorCode.WRONG_EPOCH);
        accepted(bob, bob.say("room", "epoch 1"));
        dave.awaitSeq("room", 6);
        assertThat(texts(dave)).containsExactly("epoch 1");
    }

    @Test
    void aRotateWithAMissingOrAnExtraMemberIsStaleMembers() throws Exception {
        ErrorMessage missing = send(alice, alice.rotateEntry("room", "alice", "bob", "carol"), ErrorCode.STALE_MEMBERS);
        assertThat(missing.message()).contains("missing [dave]");
        ErrorMessage extra = send(alice, alice.rotateEntry("room", "alice", "bob", "carol", "dave", "erin"),
                ErrorCode.STALE_MEMBERS);
        assertThat(extra.message()).contains("not members [erin]");
        accepted(alice, alice.remove("room", "dave"));
        send(alice, alice.rotateEntry("room", "alice", "bob", "carol", "dave"), ErrorCode.STALE_MEMBERS);
        accepted(alice, alice.rotate("room", "alice", "bob", "carol"));
    }

    @Test
    void aSecondRotateToTheSameEpochIsWrongEpoch() throws Exception {
        accepted(alice, alice.leave("room"));
        bob.awaitSeq("room", 5);
        carol.awaitSeq("room", 5);
        Rotate second = carol.rotateEntry("room", "bob", "carol", "dave");
        accepted(bob, bob.rotate("room", "bob", "carol", "dave"));
        send(carol, second, ErrorCode.WRONG_EPOCH);
        carol.awaitSeq("room", 6);
        accepted(carol, carol.say("room", "converged"));
        assertThat(carol.state().epoch("room")).isEqualTo(1);
    }

    @Test
    void aDepartedUsersEntriesAreNotMemberAndALeaverCannotRotate() throws Exception {
        accepted(dave, dave.leave("room"));
        send(dave, dave.rotateEntry("room", "alice", "bob", "carol"), ErrorCode.NOT_MEMBER);
        send(dave, dave.comms("room", "still here?"), ErrorCode.NOT_MEMBER);
        send(dave, dave.member("room", "dave", MemberChange.Change.LEAVE), ErrorCode.NOT_MEMBER);
        dave.invite("room", "erin");
        assertThat(dave.next(ErrorMessage.class).code()).isEqualTo(ErrorCode.NOT_MEMBER);
        accepted(alice, alice.rotate("room", "alice", "bob", "carol"));
        send(dave, dave.comms("room", "after the rotate"), ErrorCode.NOT_MEMBER);
    }

    @Test
    void aRemovedMemberReceivesTheRemovalAndNothingAfterItLiveOrOnReplay() throws Exception {
        MemberChange removal = alice.remove("room", "bob");
        accepted(alice, removal);
        bob.awaitSeq("room", 5);
        assertThat(bob.state().entries("room").getLast().entry()).isInstanceOf(MemberChange.class);
        accepted(alice, alice.rotate("room", "alice", "carol", "dave"));
        accepted(alice, alice.say("room", "bob is gone"));
        carol.awaitSeq("room", 7);
        dave.awaitSeq("room", 7);
        assertThat(texts(carol)).containsExactly("bob is gone");
        byte[] headAtRemoval = alice.state().entries("room").get(4).headAfter();

        bob.close();
        assertThat(bob.state().seq("room")).isEqualTo(5);
        ReplayFinished resumed = connect(bob.state()).sync(); // its cursor: 5
        assertThat(resumed.heads().get("room").seq()).isEqualTo(5);
        assertThat(resumed.heads().get("room").head()).isEqualTo(headAtRemoval);
        assertThat(bob.state().seq("room")).isEqualTo(5);

        ClientState fresh = device("bob");
        ReplayFinished replayed = connect(fresh).sync();
        assertThat(fresh.seq("room")).isEqualTo(5);
        assertThat(fresh.head("room")).isEqualTo(headAtRemoval);
        assertThat(replayed.heads().get("room").seq()).isEqualTo(5);
        assertThat(replayed.heads().get("room").head()).isEqualTo(headAtRemoval);
        assertThat(fresh.problems()).isEmpty();

        accepted(alice, alice.say("room", "still nothing for bob"));
        carol.awaitSeq("room", 8);
        assertThat(bob.state().seq("room")).isEqualTo(5);
        assertThat(fresh.seq("room")).isEqualTo(5);
    }

    @Test
    void leavingAChannelFreesAPlaceUnderTheChannelLimit() throws Exception {
        ServerConfig c = config.withDataDir(tmp.resolve("limited"));
        server = startServer(new ServerConfig(c.bundleDir(), c.dataDir(), c.listen(), c.limits(), c.maxConnections(),
                c.maxConnectionsPerUser(), c.handshakeTimeout(), c.idleTimeout(), c.outboundQueue(), 2));
        TestClient erin = login("erin");
        TestClient a = login("alice");
        erin.create("one");
        erin.create("two");
        erin.awaitSeq("two", 1);
        var third = erin.create("three");
        refused(erin, third, ErrorCode.LIMIT_EXCEEDED);
        a.create("four");
        a.awaitSeq("four", 1);
        a.invite("four", "erin");
        assertThat(a.next(ErrorMessage.class).code()).isEqualTo(ErrorCode.LIMIT_EXCEEDED);
        accepted(erin, erin.leave("one"));
        accepted(a, a.invite("four", "erin"));
        erin.awaitSeq("four", 2);
        refused(erin, erin.create("five"), ErrorCode.LIMIT_EXCEEDED);
        assertThat(erin.state().problems()).isEmpty();
    }

    @Test
    void whenTheLastAdminLeavesTheMemberWhoJoinedEarliestBecomesAdmin() throws Exception {
        accepted(alice, alice.leave("room"));
        dave.awaitSeq("room", 5);
        send(dave, dave.member("room", "carol", MemberChange.Change.REMOVE), ErrorCode.NOT_ADMIN);
        accepted(bob, bob.remove("room", "carol")); // bob joined first of those left
        accepted(bob, bob.rotate("room", "bob", "dave"));
        accepted(bob, bob.leave("room"));
        dave.awaitSeq("room", 8);
        accepted(dave, dave.rotate("room", "dave"));
        accepted(dave, dave.invite("room", "erin")); // dave is admin and member now, alone
        accepted(dave, dave.promote("room", "erin"));
    }

    @Test
    void aFormerMemberInvitedAgainReceivesTheWholeHistory() throws Exception {
        accepted(alice, alice.say("room", "before"));
        accepted(alice, alice.remove("room", "bob"));
        accepted(alice, alice.rotate("room", "alice", "carol", "dave"));
        accepted(alice, alice.say("room", "while bob was out"));
        bob.awaitSeq("room", 6);
        accepted(alice, alice.invite("room", "bob"));
        accepted(alice, alice.say("room", "welcome back"));
        bob.awaitSeq("room", 10); // live, without reconnecting
        assertThat(texts(bob)).containsExactly("before", "while bob was out", "welcome back");

        ClientState fresh = device("bob");
        ReplayFinished replayed = connect(fresh).sync();
        assertThat(replayed.heads().get("room").seq()).isEqualTo(10);
        assertThat(fresh.seq("room")).isEqualTo(10);
        assertThat(fresh.entries("room").stream().map(ClientState.Received::text).filter(Objects::nonNull).toList())
                .containsExactly("before", "while bob was out", "welcome back");
        assertThat(fresh.problems()).isEmpty();
        accepted(bob, bob.say("room", "thanks"));
    }

    @Test
    void aRestartRebuildsMembersAdminsEpochAndThePendingRotationFromTheJournal() throws Exception {
        accepted(alice, alice.promote("room", "carol"));
        accepted(alice, alice.leave("room")); // admins: carol; rotation pending
        for (TestClient c : List.of(bob, carol, dave)) {
            c.awaitSeq("room", 6);
        }
        restart();
        send(bob, bob.comms("room", "pending?"), ErrorCode.ROTATION_PENDING);
        send(bob, bob.member("room", "dave", MemberChange.Change.REMOVE), ErrorCode.NOT_ADMIN);
        send(carol, carol.rotateEntry("room", "alice", "bob", "carol", "dave"), ErrorCode.STALE_MEMBERS);
        accepted(carol, carol.rotate("room", "bob", "carol", "dave"));
        bob.awaitSeq("room", 7);
        dave.awaitSeq("room", 7);
        restart();
        Comms stale = Entries.comms(bundle.user("bob").signing(), "room", 0, "bob", bob.state().nextUserSeq(),
                bob.state().view("room"), bob.state().key("room"), "in epoch 0");
        send(bob, stale, ErrorCode.WRONG_EPOCH);
        accepted(bob, bob.say("room", "epoch 1 after two restarts"));
        accepted(carol, carol.remove("room", "dave"));

        ReplayFinished departed = alice.sync(); // alice left at 6
        assertThat(departed.heads().get("room").seq()).isEqualTo(6);
        send(alice, alice.comms("room", "let me in"), ErrorCode.NOT_MEMBER);
        carol.awaitSeq("room", 9);
        assertThat(texts(carol)).containsExactly("epoch 1 after two restarts");
    }

    /** Closes the server and every client, starts it again on the same data and logs everyone in. */
    private void restart() throws Exception {
        for (TestClient c : List.of(alice, bob, carol, dave)) {
            c.close();
        }
        server.close();
        server = startServer(config);
        alice = connect(alice.state());
        bob = login(bob.state());
        carol = login(carol.state());
        dave = login(dave.state());
    }
}
