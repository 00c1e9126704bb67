package chat.e2e;

import static chat.e2e.ClientProcess.event;
import static org.assertj.core.api.Assertions.assertThat;

import chat.crypto.SigningKeyPair;
import chat.protocol.ChainHash;
import chat.protocol.ChannelCrypto;
import chat.protocol.ChannelEntry;
import chat.protocol.ChannelHead;
import chat.protocol.Entries;
import chat.protocol.MemberChange;
import chat.protocol.MessageCodec;
import chat.protocol.ReplayFinished;
import chat.protocol.Rotate;
import chat.protocol.SignedForms;
import chat.protocol.Stamp;
import chat.protocol.View;
import chat.protocol.identity.Directory;
import chat.protocol.identity.IdentityKeys;
import chat.protocol.identity.ServerBundle;
import chat.protocol.identity.UserBundle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Membership changes against a malicious server (docs/protocol.md, properties 2-4): a fake
 * server holding the server's keys serves bob's client (the built image, json frontend)
 * histories made with the protocol classes, with alice's, carol's and the server's keys.
 * Each manipulation must surface as an alarm naming the entry, and where a member is to
 * blame, the member.
 */
@Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
class MembershipMitmE2ETest {

    private static final ChatImage CHAT = ChatImage.fromSystemProperty();
    private static final MessageCodec CODEC = new MessageCodec();
    private static final String CHANNEL = "ops";
    private static final byte[] KEY0 = ChannelCrypto.newChannelKey();
    private static final byte[] KEY1 = ChannelCrypto.newChannelKey();

    @TempDir
    static Path shared;

    private static ClientFixture fixture;
    private static IdentityKeys server;
    private static IdentityKeys alice;
    private static IdentityKeys bob;
    private static IdentityKeys carol;
    private static Directory directory;

    @TempDir
    Path tmp;

    @BeforeAll
    static void keys() throws Exception {
        fixture = new ClientFixture(CHAT, shared, "alice", "bob", "carol");
        ServerBundle bundle = ServerBundle.load(fixture.serverDir());
        server = bundle.keys();
        directory = bundle.directory();
        alice = UserBundle.load(fixture.bundle("alice")).unlock(fixture.passwords.get("alice").toCharArray());
        bob = UserBundle.load(fixture.bundle("bob")).unlock(fixture.passwords.get("bob").toCharArray());
        carol = UserBundle.load(fixture.bundle("carol")).unlock(fixture.passwords.get("carol").toCharArray());
    }

    /** A channel history as a server stamps and chains it. */
    private static final class History {
        final List<byte[]> entries = new ArrayList<>();
        final Map<String, Long> userSeqs = new HashMap<>();
        byte[] head = ChainHash.genesis(CHANNEL);
        long clock = 1_767_225_600_000L;

        View view() {
            return new View(entries.size(), head);
        }

        long userSeq(String user) {
            return userSeqs.merge(user, 1L, Long::sum);
        }

        History add(ChannelEntry entry) {
            byte[] bytes = CODEC.encode(entry.withStamp(new Stamp(entries.size() + 1, clock += 1000)));
            head = ChainHash.next(head, bytes);
            entries.add(bytes);
            return this;
        }

        ReplayFinished end() {
            return new ReplayFinished(0, Map.of(CHANNEL, new ChannelHead(entries.size(), head)));
        }
    }

    /** alice creates the channel, invites bob and carol, and writes one message. */
    private static History base() throws Exception {
        History h = new History();
        h.add(Entries.addUser(alice.signing(), CHANNEL, 0, "alice", "alice", alice.agreement().publicKey(), KEY0,
                h.userSeq("alice"), h.view()));
        h.add(Entries.addUser(alice.signing(), CHANNEL, 0, "alice", "bob", bob.agreement().publicKey(), KEY0,
                h.userSeq("alice"), h.view()));
        h.add(Entries.addUser(alice.signing(), CHANNEL, 0, "alice", "carol", carol.agreement().publicKey(), KEY0,
                h.userSeq("alice"), h.view()));
        h.add(Entries.comms(alice.signing(), CHANNEL, 0, "alice", h.userSeq("alice"), h.view(), KEY0, "hello"));
        return h;
    }

    private static MemberChange removal(SigningKeyPair signer, History h) {
        return Entries.member(signer, CHANNEL, 0, "alice", "carol", MemberChange.Change.REMOVE, h.userSeq("alice"),
                h.view());
    }

    private static Rotate rotation(History h) throws Exception {
        return Entries.rotate(alice.signing(), CHANNEL, 1, "alice", new TreeMap<>(Map.of("alice",
                alice.agreement().publicKey(), "bob", bob.agreement().publicKey())), KEY1, KEY0, h.userSeq("alice"), h.view());
    }

    /** base, alice removes carol, alice rotates to epoch 1 (alice and bob), alice writes under it. */
    private static History removedAndRotated() throws Exception {
        History h = base();
        h.add(removal(alice.signing(), h));
        h.add(rotation(h));
        h.add(Entries.comms(alice.signing(), CHANNEL, 1, "alice", h.userSeq("alice"), h.view(), KEY1, "after carol"));
        return h;
    }

    /** Runs bob's client (a new device) against a fake server replaying {@code entries}; returns its events. */
    private List<ClientProcess.Event> bobSees(List<byte[]> entries, ReplayFinished end) throws Exception {
        Path device = Files.createTempDirectory(tmp, "bob");
        for (String file : List.of("directory.json", "identity.key")) {
            Files.copy(fixture.bundle("bob").resolve(file), device.resolve(file));
        }
        MitmServer.Script script = conn -> {
            conn.sendAll(entries);
            conn.send(end);
            conn.awaitHangUp();
        };
        try (MitmServer fake = new MitmServer(server, directory, MitmServer.Step.honest(script));
             ClientProcess client = ClientProcess.start(CHAT, "bob", device, fake.port(), fixture.passwords.get("bob"))) {
            client.ready();
            List<ClientProcess.Event> events = client.events();
            client.quit();
            return events;
        }
    }

    private static List<String> alarms(List<ClientProcess.Event> events) {
        return events.stream().filter(event("alarm")).map(e -> e.str("kind") + "@" + e.num("seq")).toList();
    }

    private static String alarmText(List<ClientProcess.Event> events, String kind) {
        return events.stream().filter(event("alarm", "kind", kind)).map(e -> e.str("message")).findFirst().orElse("");
    }

    @Test
    void theGenuineRemovalAndRotationRaiseNoAlarmAndBobReadsTheNewEpoch() throws Exception {
        History h = removedAndRotated();
        List<ClientProcess.Event> events = bobSees(h.entries, h.end());
        assertThat(alarms(events)).isEmpty();
        assertThat(events).anyMatch(event("member", "user", "carol", "change", "removed", "by", "alice"));
        assertThat(events).anyMatch(event("rotated", "epoch", 1, "by", "alice"));
        assertThat(events).anyMatch(event("message", "text", "after carol"));
    }

    // ------------------------------------------------------------------ property 2: only admins remove

    @Test
    void aRemovalSignedByANonAdminIsAnAlarm() throws Exception {
        History h = base();
        h.add(Entries.member(carol.signing(), CHANNEL, 0, "carol", "alice", MemberChange.Change.REMOVE,
                h.userSeq("carol"), h.view()));
        List<ClientProcess.Event> events = bobSees(h.entries, h.end());
        assertThat(alarms(events)).contains("not_admin@5");
        assertThat(alarmText(events, "not_admin")).contains("carol");
    }

    @Test
    void aRemovalOrPromotionForgedByTheServerIsABadSignature() throws Exception {
        History h = base();
        h.add(removal(server.signing(), h));
        assertThat(alarms(bobSees(h.entries, h.end()))).contains("bad_signature@5");

        History p = base();
        p.add(Entries.member(server.signing(), CHANNEL, 0, "alice", "bob", MemberChange.Change.ADMIN,
                p.userSeq("alice"), p.view()));
        assertThat(alarms(bobSees(p.entries, p.end()))).contains("bad_signature@5");
    }

    // ------------------------------------------------------------------ property 3: the server cannot undo a removal

    @Test
    void aRemovedMemberKeptInByTheServerIsNotAMember() throws Exception {
        History h = base();
        h.add(removal(alice.signing(), h));
        h.add(rotation(h));
        h.add(Entries.comms(carol.signing(), CHANNEL, 1, "carol", h.userSeq("carol"), h.view(), KEY0, "still here"));
        assertThat(alarms(bobSees(h.entries, h.end()))).contains("not_member@7");
    }

    @Test
    void aReAdditionWithoutAMembersSignedInvitationIsABadSignature() throws Exception {
        History h = removedAndRotated();
        h.add(Entries.addUser(server.signing(), CHANNEL, 1, "alice", "carol", carol.agreement().publicKey(), KEY1,
                h.userSeq("alice"), h.view()));
        assertThat(alarms(bobSees(h.entries, h.end()))).contains("bad_signature@8");
    }

    @Test
    void aRemovalHiddenFromOneMemberIsAFork() throws Exception {
        History real = removedAndRotated();
        History shown = base();
        // alice's message #7 signed after the removal and rotation, shown to bob as if they never happened
        ChannelEntry later = (ChannelEntry) CODEC.decode(real.entries.get(6));
        shown.add(later.withStamp(null));
        // its view names entries bob was never shown, and its epoch one he never saw start
        assertThat(alarms(bobSees(shown.entries, shown.end()))).anySatisfy(a -> assertThat(a).endsWith("@5"));
    }

    @Test
    void aReplayedOldRotationIsRefused() throws Exception {
        History h = removedAndRotated();
        ChannelEntry oldRotation = (ChannelEntry) CODEC.decode(h.entries.get(5));
        h.add(oldRotation.withStamp(null));
        assertThat(alarms(bobSees(h.entries, h.end()))).contains("wrong_epoch@8");
    }

    @Test
    void messagesUnderTheOldKeyAfterARemovalAreAStaleKey() throws Exception {
        History h = base();
        h.add(removal(alice.signing(), h));
        h.add(Entries.comms(alice.signing(), CHANNEL, 0, "alice", h.userSeq("alice"), h.view(), KEY0, "carol reads this"));
        assertThat(alarms(bobSees(h.entries, h.end()))).contains("stale_key@6");
    }

    // ------------------------------------------------------------------ property 4: key commitment

    @Test
    void aRotationThatGivesBobAnotherKeyNamesTheRotator() throws Exception {
        History h = base();
        h.add(removal(alice.signing(), h));
        View view = h.view();
        long userSeq = h.userSeq("alice");
        Rotate honest = Entries.rotate(alice.signing(), CHANNEL, 1, "alice", new TreeMap<>(Map.of("alice",
                alice.agreement().publicKey(), "bob", bob.agreement().publicKey())), KEY1, KEY0, userSeq, view);
        Rotate other = Entries.rotate(alice.signing(), CHANNEL, 1, "alice", Map.of("bob", bob.agreement().publicKey()),
                ChannelCrypto.newChannelKey(), KEY0, userSeq, view);
        TreeMap<String, Rotate.WrappedKey> keys = new TreeMap<>(honest.keys());
        keys.put("bob", other.keys().get("bob"));
        Rotate unsigned = new Rotate(CHANNEL, 1, "alice", userSeq, view, keys, honest.keyCommitment(),
                honest.previousNonce(), honest.previousKey(), new byte[0], null);
        Rotate split = new Rotate(CHANNEL, 1, "alice", userSeq, view, keys, honest.keyCommitment(),
                honest.previousNonce(), honest.previousKey(), alice.signing().sign(SignedForms.entry(unsigned)), null);
        h.add(split);
        List<ClientProcess.Event> events = bobSees(h.entries, h.end());
        assertThat(alarms(events)).contains("bad_key@6");
        assertThat(alarmText(events, "bad_key")).contains("alice");
    }

    @Test
    void anInvitationHandingAWrongKeyNamesTheInviter() throws Exception {
        History h = new History();
        h.add(Entries.addUser(alice.signing(), CHANNEL, 0, "alice", "alice", alice.agreement().publicKey(), KEY0,
                h.userSeq("alice"), h.view()));
        h.add(Entries.addUser(alice.signing(), CHANNEL, 0, "alice", "carol", carol.agreement().publicKey(), KEY0,
                h.userSeq("alice"), h.view()));
        // carol invites bob with a key that is not the channel's, but claims the channel's commitment
        chat.protocol.AddUser wrong = Entries.addUser(carol.signing(), CHANNEL, 0, "carol", "bob",
                bob.agreement().publicKey(), KEY1, h.userSeq("carol"), h.view());
        chat.protocol.AddUser right = Entries.addUser(carol.signing(), CHANNEL, 0, "carol", "bob",
                bob.agreement().publicKey(), KEY0, wrong.userSeq(), wrong.view());
        chat.protocol.AddUser unsigned = new chat.protocol.AddUser(CHANNEL, 0, "carol", "bob", wrong.userSeq(),
                wrong.view(), wrong.enc(), wrong.wrappedKey(), right.keyCommitment(), new byte[0], null);
        h.add(new chat.protocol.AddUser(CHANNEL, 0, "carol", "bob", wrong.userSeq(), wrong.view(), wrong.enc(),
                wrong.wrappedKey(), right.keyCommitment(), carol.signing().sign(SignedForms.entry(unsigned)), null));
        h.add(Entries.comms(alice.signing(), CHANNEL, 0, "alice", h.userSeq("alice"), h.view(), KEY0, "hi bob"));
        List<ClientProcess.Event> events = bobSees(h.entries, h.end());
        assertThat(alarms(events)).contains("bad_key@3");
        assertThat(alarmText(events, "bad_key")).contains("carol");
    }
}
