package chat.server;

import static org.assertj.core.api.Assertions.assertThat;

import chat.protocol.AddUser;
import chat.protocol.ChannelHead;
import chat.protocol.Comms;
import chat.protocol.Ping;
import chat.protocol.Pong;
import chat.protocol.ReplayFinished;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Channels, invitations, ordering, replay and fan-out over real sockets. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class MessagingTest {

    @TempDir
    Path tmp;

    private Bundle bundle;
    private ChatServer server;
    private final List<TestClient> clients = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        bundle = Bundle.generate(tmp.resolve("keys"), "alice", "bob", "carol", "dave", "erin");
        server = ChatServer.start(bundle.config(tmp.resolve("data")));
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

    private TestClient login(ClientState state) throws Exception {
        TestClient c = TestClient.connect(server, bundle, state);
        clients.add(c);
        return c;
    }

    private static List<byte[]> wire(TestClient c, String channel) {
        return c.state().entries(channel).stream().map(ClientState.Received::canonical).toList();
    }

    private static void assertSameHistory(String channel, TestClient... members) {
        List<byte[]> first = wire(members[0], channel);
        for (TestClient m : members) {
            assertThat(m.state().problems()).as(m.user()).isEmpty();
            assertThat(wire(m, channel)).as(m.user() + " sees " + channel).hasSameSizeAs(first);
            List<byte[]> mine = wire(m, channel);
            for (int i = 0; i < first.size(); i++) {
                assertThat(mine.get(i)).as(m.user() + " " + channel + " entry " + (i + 1)).isEqualTo(first.get(i));
            }
            assertThat(m.state().head(channel)).as(m.user() + " head of " + channel)
                    .isEqualTo(members[0].state().head(channel));
        }
    }

    @Test
    void severalUsersAndChannelsEachSeeOnlyTheirChannelsInOneOrder() throws Exception {
        TestClient alice = login("alice");
        TestClient bob = login("bob");
        TestClient carol = login("carol");
        TestClient dave = login("dave");
        for (TestClient c : List.of(alice, bob, carol, dave)) {
            assertThat(c.sync().heads()).isEmpty();
        }
        alice.create("general");
        alice.awaitSeq("general", 1);
        alice.invite("general", "bob");
        alice.awaitSeq("general", 2);
        alice.invite("general", "carol");
        carol.create("carols");
        carol.awaitSeq("carols", 1);
        carol.invite("carols", "dave");
        bob.awaitSeq("general", 3);
        carol.awaitSeq("general", 3);
        dave.awaitSeq("carols", 2);

        for (int i = 0; i < 5; i++) {
            alice.say("general", "a" + i);
            bob.say("general", "b" + i);
            carol.say("carols", "c" + i);
            dave.say("carols", "d" + i);
        }
        for (TestClient c : List.of(alice, bob, carol)) {
            c.awaitSeq("general", 13);
        }
        carol.awaitSeq("carols", 12);
        dave.awaitSeq("carols", 12);

        assertSameHistory("general", alice, bob, carol);
        assertSameHistory("carols", carol, dave);
        assertThat(alice.state().channelNames()).containsExactly("general");
        assertThat(bob.state().channelNames()).containsExactly("general");
        assertThat(dave.state().channelNames()).containsExactly("carols");
        assertThat(carol.state().channelNames()).containsExactlyInAnyOrder("general", "carols");
        for (String sender : List.of("alice", "bob")) {
            List<String> texts = bob.state().entries("general").stream().filter(r -> r.author().equals(sender))
                    .map(ClientState.Received::text).filter(t -> t != null).toList();
            String p = sender.substring(0, 1);
            assertThat(texts).as("%s's messages, in the order sent", sender)
                    .containsExactly(p + "0", p + "1", p + "2", p + "3", p + "4");
        }

        // A user with no channel got nothing at all.
        TestClient erin = login("erin");
        assertThat(erin.sync().heads()).isEmpty();
        erin.send(new Ping());
        assertThat(erin.next(Pong.class)).isNotNull();
        assertThat(erin.state().channelNames()).isEmpty();
    }

    @Test
    void anOnlineInviteeReceivesTheWholeHistoryAtOnceWithoutReconnecting() throws Exception {
        TestClient alice = login("alice");
        TestClient bob = login("bob");
        alice.sync();
        assertThat(bob.sync().heads()).isEmpty();
        alice.create("history");
        for (int i = 0; i < 20; i++) {
            alice.say("history", "before bob " + i);
        }
        AddUser invite = alice.invite("history", "bob");
        alice.awaitAck(invite);
        bob.awaitSeq("history", 22);
        assertSameHistory("history", alice, bob);
        assertThat(bob.state().entries("history").get(21).entry()).isInstanceOf(AddUser.class);
        assertThat(bob.state().entries("history").get(5).text()).isEqualTo("before bob 4");

        // And from then on it is live.
        Comms after = bob.say("history", "hello, I am in");
        bob.awaitAck(after);
        alice.awaitSeq("history", 23);
        assertSameHistory("history", alice, bob);
        assertThat(alice.state().entries("history").getLast().text()).isEqualTo("hello, I am in");
        assertThat(bob.noEvents()).isTrue();
    }

    @Test
    void concurrentSendersAreOrderedOnceTheSameWayForEveryMember() throws Exception {
        List<String> users = List.of("alice", "bob", "carol", "dave");
        List<TestClient> members = new ArrayList<>();
        for (String u : users) {
            TestClient c = login(u);
            c.sync();
            members.add(c);
        }
        TestClient alice = members.getFirst();
        alice.create("busy");
        alice.awaitSeq("busy", 1);
        for (String u : users.subList(1, 4)) {
            alice.invite("busy", u);
        }
        for (TestClient m : members) {
            m.awaitSeq("busy", 4);
        }
        int perUser = 200;
        try (ExecutorService pool = Executors.newFixedThreadPool(members.size())) {
            List<Future<?>> sends = new ArrayList<>();
            for (TestClient m : members) {
                sends.add(pool.submit(() -> {
                    for (int i = 0; i < perUser; i++) {
                        m.say("busy", m.user() + " #" + i);
                    }
                    return null;
                }));
            }
            for (Future<?> f : sends) {
                f.get();
            }
        }
        long total = 4 + (long) users.size() * perUser;
        for (TestClient m : members) {
            m.awaitSeq("busy", total);
        }
        assertSameHistory("busy", members.toArray(TestClient[]::new));
        List<ClientState.Received> seen = alice.state().entries("busy");
        assertThat(seen).extracting(ClientState.Received::seq)
                .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, total).boxed().toList());
        Set<String> unique = new HashSet<>();
        for (ClientState.Received r : seen) {
            assertThat(unique.add(r.author() + "/" + r.userSeq())).as("once: " + r.author() + "/" + r.userSeq()).isTrue();
        }
        for (TestClient m : members) {
            List<String> own = seen.stream().filter(r -> r.author().equals(m.user()) && r.text() != null)
                    .map(ClientState.Received::text).toList();
            List<String> expected = java.util.stream.IntStream.range(0, perUser).mapToObj(i -> m.user() + " #" + i).toList();
            assertThat(own).as("everything " + m.user() + " sent, in the order sent").containsExactlyElementsOf(expected);
            assertThat(m.state().acked()).hasSize(m.user().equals("alice") ? perUser + 4 : perUser);
        }
        long last = 0;
        for (ClientState.Received r : seen) {
            long t = switch (r.entry()) {
                case AddUser a -> a.stamp().timestamp();
                case Comms c -> c.stamp().timestamp();
                default -> throw new AssertionError();
            };
            assertThat(t).as("timestamps never go backwards").isGreaterThanOrEqualTo(last);
            last = t;
        }
    }

    @Test
    void replayFromACursorSendsOnlyLaterEntriesInOrderAndHeadsMatchTheClients() throws Exception {
        TestClient alice = login("alice");
        alice.sync();
        alice.create("mixed");
        alice.say("mixed", "m1");
        alice.invite("mixed", "bob");
        alice.say("mixed", "m2");
        alice.create("other");
        alice.say("other", "o1");
        alice.awaitSeq("mixed", 4);
        alice.awaitSeq("other", 2);

        // Bob's first device takes everything, then goes away.
        ClientState bobPhone = new ClientState(bundle.user("bob"), bundle.directory);
        TestClient phone = login(bobPhone);
        ReplayFinished first = phone.sync();
        assertThat(first.heads()).containsOnlyKeys("mixed");
        assertHeadsMatch(first, bobPhone);
        phone.close();

        alice.invite("mixed", "carol");
        alice.say("mixed", "m3");
        alice.invite("other", "bob");
        alice.say("mixed", "m4");
        alice.say("other", "o2");
        alice.awaitSeq("mixed", 7);
        alice.awaitSeq("other", 4);

        // Back with its cursors: only what came after, in order, interleaving invites and messages.
        Map<String, Long> cursors = bobPhone.cursors();
        assertThat(cursors).isEqualTo(Map.of("mixed", 4L));
        TestClient again = login(bobPhone);
        ReplayFinished second = again.sync();
        assertHeadsMatch(second, bobPhone);
        assertThat(second.heads()).containsOnlyKeys("mixed", "other");
        assertThat(second.userSeq()).isZero();
        List<ClientState.Received> mixed = bobPhone.entries("mixed");
        assertThat(mixed).extracting(ClientState.Received::seq).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
        assertThat(mixed.subList(4, 7)).extracting(r -> r.entry().type()).containsExactly("addUser", "comms", "comms");
        assertThat(mixed.subList(4, 7)).extracting(ClientState.Received::text).containsExactly(null, "m3", "m4");
        assertThat(bobPhone.entries("other")).extracting(ClientState.Received::seq).containsExactly(1L, 2L, 3L, 4L);
        assertThat(bobPhone.problems()).isEmpty();
        assertSameHistory("mixed", alice, again);
        assertSameHistory("other", alice, again);

        // A cursor at the head replays nothing; an unnamed channel replays whole.
        ClientState laptop = new ClientState(bundle.user("bob"), bundle.directory);
        TestClient l = login(laptop);
        ReplayFinished third = l.sync(Map.of("mixed", 7L));
        assertThat(laptop.entries("mixed")).isEmpty();
        assertThat(laptop.entries("other")).hasSize(4);
        assertThat(third.heads().get("mixed").seq()).isEqualTo(7);
        assertThat(third.heads().get("mixed").head()).isEqualTo(alice.state().head("mixed"));
        assertHeadsMatch(third, alice.state(), "other");

        // Alice's own replayFinished carries her last userSeq.
        TestClient aliceAgain = login("alice");
        ReplayFinished hers = aliceAgain.sync();
        assertThat(hers.userSeq()).isEqualTo(11);
        assertHeadsMatch(hers, aliceAgain.state());
        assertThat(hers.heads()).containsOnlyKeys("mixed", "other");
    }

    private static void assertHeadsMatch(ReplayFinished rf, ClientState state) {
        assertHeadsMatch(rf, state, rf.heads().keySet().toArray(String[]::new));
    }

    private static void assertHeadsMatch(ReplayFinished rf, ClientState state, String... channels) {
        for (String channel : channels) {
            ChannelHead h = rf.heads().get(channel);
            assertThat(h).as(channel).isNotNull();
            assertThat(h.seq()).as(channel + " seq").isEqualTo(state.seq(channel));
            assertThat(h.head()).as(channel + " head").isEqualTo(state.head(channel));
        }
    }

    @Test
    void aUserOnTwoConnectionsGetsEverythingOnBothIncludingTheirOwnEcho() throws Exception {
        TestClient bob = login("bob");
        bob.sync();
        ClientState desk = new ClientState(bundle.user("alice"), bundle.directory);
        ClientState phone = new ClientState(bundle.user("alice"), bundle.directory);
        TestClient a1 = login(desk);
        TestClient a2 = login(phone);
        a1.sync();
        a2.sync();
        a1.create("two");
        a1.awaitSeq("two", 1);
        a2.awaitSeq("two", 1);
        a1.invite("two", "bob");
        bob.awaitSeq("two", 2);
        Comms fromDesk = a1.say("two", "from the desk");
        a1.awaitAck(fromDesk);
        a2.awaitAck(fromDesk);
        // The phone learnt the desk's userSeq from the echo, so its next one is higher.
        Comms fromPhone = a2.say("two", "from the phone");
        a2.awaitAck(fromPhone);
        a1.awaitAck(fromPhone);
        assertThat(fromPhone.userSeq()).isGreaterThan(fromDesk.userSeq());
        Comms fromBob = bob.say("two", "from bob");
        a1.awaitAck(fromPhone);
        a1.awaitSeq("two", 5);
        a2.awaitSeq("two", 5);
        bob.awaitAck(fromBob);
        assertSameHistory("two", a1, a2, bob);
        assertThat(a1.noEvents()).isTrue();
        assertThat(a2.noEvents()).isTrue();
        assertThat(server.connectionCount()).isEqualTo(3);
    }
}
