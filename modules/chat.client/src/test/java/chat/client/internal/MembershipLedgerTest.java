package chat.client.internal;

import static chat.client.internal.TestChannel.ALICE;
import static chat.client.internal.TestChannel.BOB;
import static chat.client.internal.TestChannel.CAROL;
import static chat.client.internal.TestChannel.DAVE;
import static chat.client.internal.TestChannel.DIRECTORY;
import static chat.client.internal.TestChannel.MALLORY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import chat.client.Alarm;
import chat.client.HistoryItem;
import chat.crypto.CryptoException;
import chat.protocol.AddUser;
import chat.protocol.ChannelCrypto;
import chat.protocol.Comms;
import chat.protocol.Entries;
import chat.protocol.MemberChange;
import chat.protocol.Rotate;
import chat.protocol.identity.IdentityKeys;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Membership changes and key rotation against a malicious server or member
 * (docs/protocol.md, "Roles and membership changes", "Channel keys", client verification
 * rules 4a, 4b, 4c and 8): each manipulated entry is rejected, or its author named, with the
 * exact alarm, and the channel's keys stay out of a departed member's reach.
 */
class MembershipLedgerTest {

    private static ChannelLedger.Outcome apply(ChannelLedger ledger, TestChannel.Delivered d, IdentityKeys me) {
        return ledger.apply(TestChannel.decode(d.bytes()), d.bytes(), DIRECTORY, me, false);
    }

    private static ChannelLedger.Outcome.Applied applied(ChannelLedger ledger, TestChannel.Delivered d, IdentityKeys me) {
        ChannelLedger.Outcome outcome = apply(ledger, d, me);
        assertThat(outcome).as("entry #" + d.seq() + " for " + me.name()).isInstanceOf(ChannelLedger.Outcome.Applied.class);
        return (ChannelLedger.Outcome.Applied) outcome;
    }

    private static ChannelLedger ledgerOf(TestChannel ch, IdentityKeys me) {
        ChannelLedger ledger = new ChannelLedger(ch.name);
        for (TestChannel.Delivered d : ch.history()) {
            applied(ledger, d, me);
        }
        return ledger;
    }

    private static Alarm rejected(ChannelLedger ledger, TestChannel.Delivered d, IdentityKeys me, Alarm.Kind kind) {
        long seqBefore = ledger.lastSeq();
        List<String> membersBefore = ledger.members();
        long epochBefore = ledger.epoch();
        ChannelLedger.Outcome outcome = apply(ledger, d, me);
        assertThat(outcome).isInstanceOf(ChannelLedger.Outcome.Rejected.class);
        Alarm alarm = ((ChannelLedger.Outcome.Rejected) outcome).alarm();
        assertThat(alarm.kind()).as(alarm.toString()).isEqualTo(kind);
        assertThat(alarm.seq()).as(alarm.toString()).isEqualTo(d.seq());
        assertThat(ledger.lastSeq()).isEqualTo(seqBefore);
        assertThat(ledger.members()).isEqualTo(membersBefore);
        assertThat(ledger.epoch()).isEqualTo(epochBefore);
        return alarm;
    }

    /** alice creates, invites bob and carol; one message from alice. */
    private static TestChannel threeMembers(String name) {
        TestChannel ch = new TestChannel(name);
        ch.accept(ch.createEntry(ALICE));
        ch.accept(ch.inviteEntry(ALICE, BOB));
        ch.accept(ch.inviteEntry(ALICE, CAROL));
        ch.accept(ch.messageEntry(ALICE, "hello both"));
        return ch;
    }

    private static String text(HistoryItem item) {
        return ((HistoryItem.Text) item).text();
    }

    // ------------------------------------------------------------------ 1: who may change membership (rule 2, 4a)

    @Test
    void aRemovalOrPromotionSignedByANonAdminIsNotAdminNamingTheSigner() {
        TestChannel ch = threeMembers("team");
        ChannelLedger alices = ledgerOf(ch, ALICE);
        Alarm removal = rejected(alices, ch.peek(ch.removeEntry(BOB, CAROL)), ALICE, Alarm.Kind.NOT_ADMIN);
        assertThat(removal.detail()).contains("bob");
        Alarm promotion = rejected(alices, ch.peek(ch.adminEntry(BOB, CAROL)), ALICE, Alarm.Kind.NOT_ADMIN);
        assertThat(promotion.detail()).contains("bob");
        assertThat(alices.members()).containsExactly("alice", "bob", "carol");
        assertThat(alices.admins()).containsExactly("alice");
        // the genuine removal by the admin still applies
        applied(alices, ch.accept(ch.removeEntry(ALICE, CAROL)), ALICE);
        assertThat(alices.members()).containsExactly("alice", "bob");
    }

    @Test
    void aRemovalForgedByTheServerIsBadSignature() {
        TestChannel ch = threeMembers("team");
        ChannelLedger bobs = ledgerOf(ch, BOB);
        // signed by mallory (the server's accomplice) in alice's name
        MemberChange forged = Entries.member(MALLORY.signing(), ch.name, 0, "alice", "carol",
                MemberChange.Change.REMOVE, ch.nextUserSeq(ALICE), ch.view());
        Alarm a = rejected(bobs, ch.peek(forged), BOB, Alarm.Kind.BAD_SIGNATURE);
        assertThat(a.detail()).contains("alice");
        // alice's genuine promotion of bob turned into a removal of carol: the signature no longer covers it
        MemberChange genuine = ch.adminEntry(ALICE, BOB);
        MemberChange altered = new MemberChange(genuine.channelID(), genuine.epoch(), "alice", "carol",
                MemberChange.Change.REMOVE, genuine.userSeq(), genuine.view(), genuine.signature(), null);
        rejected(bobs, ch.peek(altered), BOB, Alarm.Kind.BAD_SIGNATURE);
        assertThat(bobs.members()).contains("carol");
        applied(bobs, ch.accept(genuine), BOB);
        assertThat(bobs.admins()).containsExactly("alice", "bob");
    }

    // ------------------------------------------------------------------ 2: epochs after a departure (rules 4, 4b, 4c)

    @Test
    void aMessageOrInvitationUnderTheOldKeyBeforeAnyRotationIsStaleKey() {
        TestChannel ch = threeMembers("team");
        ch.accept(ch.removeEntry(ALICE, CAROL));
        ChannelLedger bobs = ledgerOf(ch, BOB);
        assertThat(bobs.rotationPending()).isTrue();
        Alarm message = rejected(bobs, ch.peek(ch.messageEntry(ALICE, "carol still holds this key")), BOB,
                Alarm.Kind.STALE_KEY);
        assertThat(message.detail()).contains("alice").contains("carol");
        Alarm invite = rejected(bobs, ch.peek(ch.inviteEntry(ALICE, DAVE)), BOB, Alarm.Kind.STALE_KEY);
        assertThat(invite.detail()).contains("carol");
        // member entries stay allowed while the rotation is pending, and the rotation clears it
        applied(bobs, ch.accept(ch.rotateEntry(ALICE, ALICE, BOB)), BOB);
        assertThat(bobs.rotationPending()).isFalse();
        applied(bobs, ch.accept(ch.messageEntry(ALICE, "fresh key")), BOB);
    }

    @Test
    void afterTheRotationAMessageUnderTheOldEpochIsWrongEpoch() {
        TestChannel ch = threeMembers("team");
        ch.accept(ch.removeEntry(ALICE, CAROL));
        ch.accept(ch.rotateEntry(ALICE, ALICE, BOB));
        ChannelLedger bobs = ledgerOf(ch, BOB);
        assertThat(bobs.epoch()).isEqualTo(1);
        Comms old = ch.comms(ALICE, "under epoch 0", ch.keys.get(0L), 0, ch.nextUserSeq(ALICE), ch.view());
        rejected(bobs, ch.peek(old), BOB, Alarm.Kind.WRONG_EPOCH);
        MemberChange oldAdmin = Entries.member(ALICE.signing(), ch.name, 0, "alice", "bob", MemberChange.Change.ADMIN,
                ch.nextUserSeq(ALICE), ch.view());
        rejected(bobs, ch.peek(oldAdmin), BOB, Alarm.Kind.WRONG_EPOCH);
        applied(bobs, ch.accept(ch.messageEntry(ALICE, "epoch 1")), BOB);
    }

    @Test
    void aRotationThatOmitsAMemberOrWrapsToTheRemovedOneIsBadRotationNamingTheRotator() {
        TestChannel ch = threeMembers("team");
        ch.accept(ch.removeEntry(ALICE, CAROL));
        ChannelLedger bobs = ledgerOf(ch, BOB);
        Alarm omits = rejected(bobs, ch.peek(ch.rotateEntry(ALICE, ALICE)), BOB, Alarm.Kind.BAD_ROTATION);
        assertThat(omits.detail()).contains("alice");
        Alarm keepsCarol = rejected(bobs, ch.peek(ch.rotateEntry(ALICE, ALICE, BOB, CAROL)), BOB, Alarm.Kind.BAD_ROTATION);
        assertThat(keepsCarol.detail()).contains("alice");
        Alarm byBob = rejected(bobs, ch.peek(ch.rotateEntry(BOB, BOB, CAROL)), BOB, Alarm.Kind.BAD_ROTATION);
        assertThat(byBob.detail()).contains("bob");
        assertThat(bobs.rotationPending()).isTrue();
        assertThat(bobs.key()).isEqualTo(ch.keys.get(0L));
        applied(bobs, ch.accept(ch.rotateEntry(ALICE, ALICE, BOB)), BOB);
        assertThat(bobs.key()).isEqualTo(ch.keys.get(1L));
    }

    @Test
    void theServerReplayingAnOldRotationIsWrongEpoch() {
        TestChannel ch = threeMembers("team");
        ch.accept(ch.removeEntry(ALICE, CAROL));
        Rotate first = (Rotate) ch.accept(ch.rotateEntry(ALICE, ALICE, BOB)).entry();
        ch.accept(ch.messageEntry(BOB, "epoch 1"));
        ChannelLedger bobs = ledgerOf(ch, BOB);
        // the very rotation again, stamped as the next entry
        rejected(bobs, TestChannel.stamp(first, ch.seq() + 1, first.stamp().timestamp() + 60_000), BOB,
                Alarm.Kind.WRONG_EPOCH);
        assertThat(bobs.epoch()).isEqualTo(1);
        assertThat(bobs.key()).isEqualTo(ch.keys.get(1L));
        applied(bobs, ch.accept(ch.messageEntry(ALICE, "still epoch 1")), BOB);
    }

    @Test
    void theServerReplayingAnOldRotationToAnswerALaterDepartureIsWrongEpoch() {
        TestChannel ch = threeMembers("team");
        ch.accept(ch.inviteEntry(ALICE, DAVE));
        ch.accept(ch.removeEntry(ALICE, CAROL));
        Rotate first = (Rotate) ch.accept(ch.rotateEntry(ALICE, ALICE, BOB, DAVE)).entry();
        ch.accept(ch.removeEntry(ALICE, DAVE));
        ChannelLedger bobs = ledgerOf(ch, BOB);
        assertThat(bobs.rotationPending()).isTrue();
        // rule 4 (the epoch) comes before rule 4c (the keys): the replay is named wrong epoch
        rejected(bobs, TestChannel.stamp(first, ch.seq() + 1, first.stamp().timestamp() + 60_000), BOB,
                Alarm.Kind.WRONG_EPOCH);
        assertThat(bobs.rotationPending()).isTrue();
        assertThat(bobs.key()).isEqualTo(ch.keys.get(1L));
    }

    // ------------------------------------------------------------------ 3: key commitment (rules 4c, 8)

    @Test
    void aRotationWrappingToBobAnotherKeyIsBadKeyNamingTheRotatorWhileCarolReadsOn() {
        TestChannel ch = threeMembers("team");
        byte[] committed = ChannelCrypto.newChannelKey();
        Rotate honest = ch.rotateEntry(ALICE, committed, 1, ALICE, BOB, CAROL);
        Rotate other = ch.rotateEntry(ALICE, ChannelCrypto.newChannelKey(), 1, BOB);
        TreeMap<String, Rotate.WrappedKey> wrapped = new TreeMap<>(honest.keys());
        wrapped.put("bob", other.keys().get("bob"));
        Rotate malicious = TestChannel.withKeys(honest, ALICE, wrapped);
        ChannelLedger bobs = ledgerOf(ch, BOB);
        ChannelLedger carols = ledgerOf(ch, CAROL);
        TestChannel.Delivered rotation = ch.accept(malicious);

        ChannelLedger.Outcome.Applied atBob = applied(bobs, rotation, BOB);
        assertThat(atBob.alarms()).singleElement().satisfies(a -> {
            assertThat(a.kind()).isEqualTo(Alarm.Kind.BAD_KEY);
            assertThat(a.seq()).isEqualTo(rotation.seq());
            assertThat(a.detail()).contains("alice");
        });
        assertThat(bobs.epoch()).isEqualTo(1);
        assertThat(bobs.key()).as("bob keeps no key that is not the committed one").isNull();

        ChannelLedger.Outcome.Applied atCarol = applied(carols, rotation, CAROL);
        assertThat(atCarol.alarms()).isEmpty();
        assertThat(carols.key()).isEqualTo(committed);
        ChannelLedger.Outcome.Applied later = applied(carols, ch.accept(ch.messageEntry(ALICE, "after the rotation")), CAROL);
        assertThat(text(later.item())).isEqualTo("after the rotation");
        assertThat(later.alarms()).isEmpty();
    }

    @Test
    void anInvitationHandingTheInviteeAnotherKeyIsBadKeyNamingTheInviter() {
        TestChannel ch = TestChannel.withHistory("team");
        // bob, a member, invites carol: the commitment is the epoch's, the key wrapped to carol is not
        AddUser genuine = ch.inviteEntry(BOB, CAROL);
        AddUser malicious = ch.withWrappedKey(genuine, BOB, CAROL.agreement().publicKey(), ChannelCrypto.newChannelKey());
        ChannelLedger alices = ledgerOf(ch, ALICE);
        ChannelLedger carols = ledgerOf(ch, CAROL);
        TestChannel.Delivered invite = ch.accept(malicious);

        ChannelLedger.Outcome.Applied atCarol = applied(carols, invite, CAROL);
        assertThat(atCarol.alarms()).filteredOn(a -> a.kind() == Alarm.Kind.BAD_KEY).singleElement()
                .satisfies(a -> {
                    assertThat(a.detail()).contains("bob");
                    assertThat(a.seq()).isEqualTo(invite.seq());
                });
        assertThat(carols.key()).isNull();
        assertThat(carols.isMember("carol")).isTrue();
        // the others see nothing wrong: the commitment is the right one
        assertThat(applied(alices, invite, ALICE).alarms()).isEmpty();
    }

    @Test
    void anInvitationCommittingToAnotherKeyIsBadKeyNamingTheInviter() {
        TestChannel ch = TestChannel.withHistory("team");
        AddUser wrongCommitment = ch.addUser(BOB, "carol", CAROL.agreement().publicKey(), ChannelCrypto.newChannelKey(),
                0, ch.nextUserSeq(BOB), ch.view());
        ChannelLedger alices = ledgerOf(ch, ALICE);
        ChannelLedger.Outcome outcome = apply(alices, ch.peek(wrongCommitment), ALICE);
        Alarm alarm = outcome instanceof ChannelLedger.Outcome.Rejected r ? r.alarm()
                : ((ChannelLedger.Outcome.Applied) outcome).alarms().getFirst();
        assertThat(alarm.kind()).isEqualTo(Alarm.Kind.BAD_KEY);
        assertThat(alarm.detail()).contains("bob");
    }

    @Test
    void aMessageThatDoesNotDecryptUnderTheCommittedKeyIsUndecryptableNamingItsSender() {
        TestChannel ch = threeMembers("team");
        ch.accept(ch.rotateEntry(ALICE, ALICE, BOB, CAROL));
        ChannelLedger alices = ledgerOf(ch, ALICE);
        Comms wrong = ch.comms(BOB, "under a key of his own", ChannelCrypto.newChannelKey(), 1, ch.nextUserSeq(BOB),
                ch.view());
        TestChannel.Delivered d = ch.accept(wrong);
        ChannelLedger.Outcome.Applied out = applied(alices, d, ALICE);
        assertThat(out.alarms()).singleElement().satisfies(a -> {
            assertThat(a.kind()).isEqualTo(Alarm.Kind.UNDECRYPTABLE);
            assertThat(a.seq()).isEqualTo(d.seq());
            assertThat(a.detail()).contains("bob").doesNotContain("alice").doesNotContain("carol");
        });
        assertThat(text(out.item())).isEqualTo(ChannelLedger.UNREADABLE);
        // the channel goes on
        assertThat(text(applied(alices, ch.accept(ch.messageEntry(CAROL, "fine")), ALICE).item())).isEqualTo("fine");
    }

    // ------------------------------------------------------------------ 4: property 1 at ledger level

    @Test
    void whatIsSentAfterCarolsRemovalAndTheRotationOpensWithNoKeyCarolEverHeld() throws Exception {
        TestChannel ch = threeMembers("team");
        ChannelLedger carols = new ChannelLedger(ch.name);
        List<byte[]> carolsKeys = new ArrayList<>();
        ch.accept(ch.rotateEntry(BOB, BOB, ALICE, CAROL));
        ch.accept(ch.messageEntry(CAROL, "epoch 1"));
        ch.accept(ch.removeEntry(ALICE, CAROL));
        for (TestChannel.Delivered d : ch.history()) {
            applied(carols, d, CAROL);
            if (carols.key() != null) {
                carolsKeys.add(carols.key());
            }
        }
        assertThat(carols.ownDeparture()).isNotNull();
        assertThat(carolsKeys).anySatisfy(k -> assertThat(k).isEqualTo(ch.keys.get(0L)))
                .anySatisfy(k -> assertThat(k).isEqualTo(ch.keys.get(1L)));

        ChannelLedger bobs = ledgerOf(ch, BOB);
        // the server tries to keep carol in: a rotation wrapped to her too, or a message under the key she holds
        rejected(bobs, ch.peek(ch.rotateEntry(ALICE, ALICE, BOB, CAROL)), BOB, Alarm.Kind.BAD_ROTATION);
        rejected(bobs, ch.peek(ch.messageEntry(ALICE, "carol reads this")), BOB, Alarm.Kind.STALE_KEY);

        TestChannel.Delivered rotation = ch.accept(ch.rotateEntry(ALICE, ALICE, BOB));
        TestChannel.Delivered secret = ch.accept(ch.messageEntry(ALICE, "not for carol"));
        applied(bobs, rotation, BOB);
        assertThat(text(applied(bobs, secret, BOB).item())).isEqualTo("not for carol");
        // even were everything after her removal leaked to her, her ledger gains no key that opens it
        for (TestChannel.Delivered d : List.of(rotation, secret)) {
            apply(carols, d, CAROL);
            if (carols.key() != null) {
                carolsKeys.add(carols.key());
            }
        }
        Comms comms = (Comms) TestChannel.decode(secret.bytes());
        assertThat(carolsKeys).isNotEmpty().allSatisfy(k -> assertThatThrownBy(() -> ChannelCrypto.openText(k, comms))
                .isInstanceOf(CryptoException.class));
    }

    // ------------------------------------------------------------------ 5: history for newcomers, succession

    @Test
    void aMemberInvitedAfterTwoRotationsReadsEveryEarlierMessageOfAllEpochs() {
        TestChannel ch = new TestChannel("team");
        ch.accept(ch.createEntry(ALICE));
        ch.accept(ch.inviteEntry(ALICE, BOB));
        ch.accept(ch.messageEntry(ALICE, "epoch 0 a"));
        ch.accept(ch.messageEntry(BOB, "epoch 0 b"));
        ch.accept(ch.rotateEntry(ALICE, ALICE, BOB));
        ch.accept(ch.messageEntry(BOB, "epoch 1"));
        ch.accept(ch.rotateEntry(BOB, ALICE, BOB));
        ch.accept(ch.messageEntry(ALICE, "epoch 2"));
        ch.accept(ch.inviteEntry(ALICE, DAVE));
        ChannelLedger daves = new ChannelLedger(ch.name);
        List<HistoryItem> revealed = new ArrayList<>();
        for (TestChannel.Delivered d : ch.history()) {
            ChannelLedger.Outcome.Applied a = applied(daves, d, DAVE);
            assertThat(a.alarms()).isEmpty();
            revealed.addAll(a.revealed());
        }
        assertThat(revealed).extracting(MembershipLedgerTest::text)
                .containsExactly("epoch 0 a", "epoch 0 b", "epoch 1", "epoch 2");
        assertThat(daves.history()).filteredOn(HistoryItem.Text.class::isInstance).extracting(MembershipLedgerTest::text)
                .containsExactly("epoch 0 a", "epoch 0 b", "epoch 1", "epoch 2");
        assertThat(daves.key()).isEqualTo(ch.keys.get(2L));
        assertThat(text(applied(daves, ch.accept(ch.messageEntry(BOB, "welcome")), DAVE).item())).isEqualTo("welcome");
    }

    @Test
    void whenTheOnlyAdminLeavesTheEarliestRemainingMemberSucceedsAndCanRemove() {
        TestChannel ch = new TestChannel("team");
        ch.accept(ch.createEntry(ALICE));
        ch.accept(ch.inviteEntry(ALICE, BOB));
        ch.accept(ch.inviteEntry(ALICE, CAROL));
        ch.accept(ch.inviteEntry(BOB, DAVE));
        ch.accept(ch.leaveEntry(ALICE));
        ChannelLedger carols = ledgerOf(ch, CAROL);
        assertThat(carols.admins()).containsExactly("bob");
        assertThat(carols.designatedRotator()).isEqualTo("bob");
        // not carol (a later member)
        rejected(carols, ch.peek(ch.removeEntry(CAROL, DAVE)), CAROL, Alarm.Kind.NOT_ADMIN);
        applied(carols, ch.accept(ch.rotateEntry(BOB, BOB, CAROL, DAVE)), CAROL);
        applied(carols, ch.accept(ch.removeEntry(BOB, DAVE)), CAROL);
        assertThat(carols.members()).containsExactly("bob", "carol");
        assertThat(carols.designatedRotator()).isEqualTo("bob");
    }

    // ------------------------------------------------------------------ 6: who rotates

    @Test
    void theRemoverIsTheDesignatedRotatorAfterARemovalAndTheFirstAdminAfterALeave() {
        TestChannel ch = threeMembers("team");
        ch.accept(ch.inviteEntry(ALICE, DAVE));
        ch.accept(ch.adminEntry(ALICE, BOB));
        ChannelLedger daves = ledgerOf(ch, DAVE);
        assertThat(daves.designatedRotator()).isNull();
        applied(daves, ch.accept(ch.removeEntry(BOB, CAROL)), DAVE);
        assertThat(daves.admins()).containsExactly("alice", "bob");
        assertThat(daves.designatedRotator()).isEqualTo("bob");
        applied(daves, ch.accept(ch.rotateEntry(BOB, ALICE, BOB, DAVE)), DAVE);
        assertThat(daves.designatedRotator()).isNull();
        // dave leaves: the first admin (alice, not bob who was promoted later) rotates
        applied(daves, ch.accept(ch.leaveEntry(DAVE)), DAVE);
        assertThat(daves.admins()).containsExactly("alice", "bob");
        assertThat(daves.designatedRotator()).isEqualTo("alice");
        assertThat(daves.ownDeparture()).isNotNull();
    }
}
