package chat.client.internal;

import static chat.client.internal.TestChannel.ALICE;
import static chat.client.internal.TestChannel.BOB;
import static chat.client.internal.TestChannel.CAROL;
import static chat.client.internal.TestChannel.DAVE;
import static chat.client.internal.TestChannel.DIRECTORY;
import static chat.client.internal.TestChannel.MALLORY;
import static org.assertj.core.api.Assertions.assertThat;

import chat.client.Alarm;
import chat.client.HistoryItem;
import chat.protocol.AddUser;
import chat.protocol.ChannelCrypto;
import chat.protocol.Comms;
import chat.protocol.Message;
import chat.protocol.View;
import chat.protocol.identity.IdentityKeys;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The client's verification rules (docs/protocol.md, "Client verification rules"), one by
 * one: each genuine entry applies, each manipulated one is rejected with the alarm that
 * names it, and a rejected entry changes nothing (the genuine entry still applies after).
 */
class ChannelLedgerTest {

    /** Everything a rejected entry must leave as it was. */
    record Snapshot(long lastSeq, String head, List<String> members, List<HistoryItem> history, String key) {
        static Snapshot of(ChannelLedger l) {
            return new Snapshot(l.lastSeq(), HexFormat.of().formatHex(l.head(l.lastSeq())), l.members(),
                    List.copyOf(l.history()), l.key() == null ? null : HexFormat.of().formatHex(l.key()));
        }
    }

    private static ChannelLedger.Outcome apply(ChannelLedger ledger, TestChannel.Delivered d, IdentityKeys me) {
        return ledger.apply(TestChannel.decode(d.bytes()), d.bytes(), DIRECTORY, me, false);
    }

    /** Bob's ledger after the channel's whole genuine history. */
    private static ChannelLedger ledgerOf(TestChannel ch, IdentityKeys me) {
        ChannelLedger ledger = new ChannelLedger(ch.name);
        for (TestChannel.Delivered d : ch.history()) {
            assertThat(apply(ledger, d, me)).as("genuine entry #" + d.seq()).isInstanceOf(ChannelLedger.Outcome.Applied.class);
        }
        return ledger;
    }

    private static Alarm assertRejected(ChannelLedger ledger, TestChannel.Delivered d, Alarm.Kind kind, long seq) {
        Snapshot before = Snapshot.of(ledger);
        ChannelLedger.Outcome outcome = apply(ledger, d, BOB);
        assertThat(outcome).isInstanceOf(ChannelLedger.Outcome.Rejected.class);
        Alarm alarm = ((ChannelLedger.Outcome.Rejected) outcome).alarm();
        assertThat(alarm.kind()).as(alarm.toString()).isEqualTo(kind);
        assertThat(alarm.seq()).as(alarm.toString()).isEqualTo(seq);
        assertThat(alarm.channel()).isEqualTo(ledger.name);
        assertThat(Snapshot.of(ledger)).as("state after a rejected entry").isEqualTo(before);
        return alarm;
    }

    /** After a rejection the genuine next entry still applies: the rejected one left no trace. */
    private static void assertGenuineStillApplies(ChannelLedger ledger, TestChannel ch, IdentityKeys sender) {
        TestChannel.Delivered genuine = ch.accept(ch.messageEntry(sender, "genuine " + ch.seq()));
        assertThat(apply(ledger, genuine, BOB)).isInstanceOf(ChannelLedger.Outcome.Applied.class);
        assertThat(ledger.head(ledger.lastSeq())).isEqualTo(ch.head(ch.seq()));
    }

    private static byte[] flipped(byte[] b, int index) {
        byte[] copy = b.clone();
        copy[index] ^= 1;
        return copy;
    }

    // ------------------------------------------------------------------ genuine entries

    @Test
    void creationMakesTheCreatorTheOnlyMemberAndGivesOnlyThemTheKey() {
        TestChannel ch = new TestChannel("general");
        TestChannel.Delivered create = ch.accept(ch.createEntry(ALICE));

        ChannelLedger alices = new ChannelLedger("general");
        ChannelLedger.Outcome outcome = apply(alices, create, ALICE);
        assertThat(outcome).isEqualTo(new ChannelLedger.Outcome.Applied(
                new HistoryItem.Joined(1, Instant.ofEpochMilli(((AddUser) create.entry()).stamp().timestamp()), "alice",
                        "alice")));
        assertThat(alices.members()).containsExactly("alice");
        assertThat(alices.key()).isEqualTo(ch.key);
        assertThat(alices.lastSeq()).isEqualTo(1);
        assertThat(alices.head(1)).isEqualTo(ch.head(1));

        ChannelLedger bobs = new ChannelLedger("general");
        assertThat(apply(bobs, create, BOB)).isInstanceOf(ChannelLedger.Outcome.Applied.class);
        assertThat(bobs.key()).as("the key was wrapped for alice only").isNull();
        assertThat(bobs.isMember("bob")).isFalse();
    }

    @Test
    void anInvitationAddsTheMemberAndHandsTheInviteeTheKey() {
        TestChannel ch = new TestChannel("general");
        ch.accept(ch.createEntry(ALICE));
        ch.accept(ch.inviteEntry(ALICE, BOB));
        ChannelLedger bobs = ledgerOf(ch, BOB);
        assertThat(bobs.members()).containsExactly("alice", "bob");
        assertThat(bobs.key()).isEqualTo(ch.key);
        assertThat(bobs.history()).extracting(h -> ((HistoryItem.Joined) h).member()).containsExactly("alice", "bob");
        assertThat(bobs.history()).extracting(HistoryItem::author).containsExactly("alice", "alice");
    }

    @Test
    void aMessageIsDecryptedAndMarkedMineOnlyForItsSender() {
        TestChannel ch = TestChannel.withHistory("general");
        ChannelLedger bobs = ledgerOf(ch, BOB);
        ChannelLedger alices = ledgerOf(ch, ALICE);
        assertThat(bobs.history().get(2)).isInstanceOfSatisfying(HistoryItem.Text.class, t -> {
            assertThat(t.text()).isEqualTo("hello bob");
            assertThat(t.author()).isEqualTo("alice");
            assertThat(t.mine()).isFalse();
            assertThat(t.seq()).isEqualTo(3);
        });
        assertThat(((HistoryItem.Text) alices.history().get(2)).mine()).isTrue();
        assertThat(((HistoryItem.Text) bobs.history().get(3)).mine()).isTrue();
        assertThat(bobs.head(4)).isEqualTo(ch.head(4));
        assertThat(bobs.unread("bob")).isEqualTo(1);
        bobs.markRead(4);
        assertThat(bobs.unread("bob")).isZero();
    }

    @Test
    void aMemberWhoHadNotSeenTheNewestEntriesMayStillPost() {
        TestChannel ch = TestChannel.withHistory("general");
        ChannelLedger bobs = ledgerOf(ch, BOB);
        // alice signed having seen only up to #2 (her view is older, and true)
        Comms late = ch.comms(ALICE, "late", ch.key, 0, ch.nextUserSeq(ALICE), new View(2, ch.head(2)));
        assertThat(apply(bobs, ch.accept(late), BOB)).isInstanceOf(ChannelLedger.Outcome.Applied.class);
    }

    @Test
    void equalTimestampsAreFine() {
        TestChannel ch = TestChannel.withHistory("general");
        ChannelLedger bobs = ledgerOf(ch, BOB);
        long last = ((Comms) ch.history().get(3).entry()).stamp().timestamp();
        TestChannel.Delivered same = TestChannel.stamp(ch.messageEntry(ALICE, "same ms"), 5, last);
        assertThat(apply(bobs, same, BOB)).isInstanceOf(ChannelLedger.Outcome.Applied.class);
    }

    // ------------------------------------------------------------------ repeats and gaps

    @Test
    void theSameEntryAgainIsDroppedSilently() {
        TestChannel ch = TestChannel.withHistory("general");
        ChannelLedger bobs = ledgerOf(ch, BOB);
        Snapshot before = Snapshot.of(bobs);
        for (TestChannel.Delivered d : ch.history()) {
            assertThat(apply(bobs, d, BOB)).as("#" + d.seq()).isEqualTo(new ChannelLedger.Outcome.Duplicate());
        }
        assertThat(Snapshot.of(bobs)).isEqualTo(before);
    }

    @Test
    void differentBytesAtASeqAlreadyHeldIsRewritten() {
        TestChannel ch = TestChannel.withHistory("general");
        ChannelLedger bobs = ledgerOf(ch, BOB);
        Comms original = (Comms) ch.history().get(2).entry();
        // another message by alice, validly signed, claimed to be #3
        Comms other = ch.comms(ALICE, "something else", ch.key, 0, original.userSeq(), original.view());
        assertRejected(bobs, TestChannel.stamp(other, 3, original.stamp().timestamp()), Alarm.Kind.REWRITTEN, 3);
        // the very same entry with another timestamp
        assertRejected(bobs, TestChannel.stamp(original, 3, original.stamp().timestamp() + 1), Alarm.Kind.REWRITTEN, 3);
        // the creation again
        AddUser create = (AddUser) ch.history().get(0).entry();
        assertRejected(bobs, TestChannel.stamp(create, 1, create.stamp().timestamp() + 5), Alarm.Kind.REWRITTEN, 1);
        assertGenuineStillApplies(bobs, ch, ALICE);
    }

    @Test
    void aGapIsReportedOnceAtTheFirstMissingSeqAndTheMissingEntriesStillApplyLater() {
        TestChannel ch = TestChannel.withHistory("general");
        ChannelLedger bobs = ledgerOf(ch, BOB);
        TestChannel.Delivered five = ch.accept(ch.messageEntry(ALICE, "five"));
        TestChannel.Delivered six = ch.accept(ch.messageEntry(ALICE, "six"));
        TestChannel.Delivered seven = ch.accept(ch.messageEntry(BOB, "seven"));

        Alarm gap = assertRejected(bobs, six, Alarm.Kind.GAP, 5);
        assertThat(gap.detail()).contains("#5");
        assertThat(bobs.problemReported()).isTrue();
        Snapshot before = Snapshot.of(bobs);
        assertThat(apply(bobs, seven, BOB)).as("the same gap is not reported twice")
                .isEqualTo(new ChannelLedger.Outcome.Duplicate());
        assertThat(Snapshot.of(bobs)).isEqualTo(before);

        for (TestChannel.Delivered d : List.of(five, six, seven)) {
            assertThat(apply(bobs, d, BOB)).isInstanceOf(ChannelLedger.Outcome.Applied.class);
        }
        assertThat(bobs.problemReported()).isFalse();
        TestChannel.Delivered eight = ch.accept(ch.messageEntry(ALICE, "eight"));
        TestChannel.Delivered nine = ch.accept(ch.messageEntry(ALICE, "nine"));
        assertThat(eight.seq()).isEqualTo(8);
        assertRejected(bobs, nine, Alarm.Kind.GAP, 8);
    }

    @Test
    void whatFollowsARejectedEntryIsIgnoredUntilTheBreakIsFilled() {
        TestChannel ch = TestChannel.withHistory("general");
        ChannelLedger bobs = ledgerOf(ch, BOB);
        Comms genuine = ch.messageEntry(ALICE, "five");
        Comms forged = new Comms(genuine.channelID(), genuine.epoch(), genuine.userID(), genuine.userSeq(),
                genuine.view(), genuine.nonce(), genuine.ct(), flipped(genuine.signature(), 0), null);
        assertRejected(bobs, ch.peek(forged), Alarm.Kind.BAD_SIGNATURE, 5);
        assertThat(bobs.problemReported()).isTrue();
        TestChannel.Delivered five = ch.accept(genuine);
        TestChannel.Delivered six = ch.accept(ch.messageEntry(BOB, "six"));
        Snapshot before = Snapshot.of(bobs);
        assertThat(apply(bobs, six, BOB)).as("no second alarm for the same break")
                .isEqualTo(new ChannelLedger.Outcome.Duplicate());
        assertThat(Snapshot.of(bobs)).isEqualTo(before);
        assertThat(apply(bobs, five, BOB)).isInstanceOf(ChannelLedger.Outcome.Applied.class);
        assertThat(apply(bobs, six, BOB)).isInstanceOf(ChannelLedger.Outcome.Applied.class);
        assertThat(bobs.problemReported()).isFalse();
    }

    @Test
    void aChannelWhoseFirstEntriesAreWithheldIsAGapFromOne() {
        TestChannel ch = TestChannel.withHistory("general");
        ChannelLedger fresh = new ChannelLedger("general");
        assertRejected(fresh, ch.history().get(2), Alarm.Kind.GAP, 1);
        assertThat(fresh.lastSeq()).isZero();
        assertThat(fresh.members()).isEmpty();
    }

    // ------------------------------------------------------------------ signatures and authors

    @Test
    void aBadSignatureIsRejected() {
        TestChannel ch = TestChannel.withHistory("general");
        ChannelLedger bobs = ledgerOf(ch, BOB);
        Comms genuine = ch.messageEntry(ALICE, "signed");
        Comms badSignature = new Comms(genuine.channelID(), genuine.epoch(), genuine.userID(), genuine.userSeq(),
                genuine.view(), genuine.nonce(), genuine.ct(), flipped(genuine.signature(), 7), null);
        assertRejected(bobs, ch.peek(badSignature), Alarm.Kind.BAD_SIGNATURE, 5);
        Comms alteredText = new Comms(genuine.channelID(), genuine.epoch(), genuine.userID(), genuine.userSeq(),
                genuine.view(), genuine.nonce(), flipped(genuine.ct(), 0), genuine.signature(), null);
        assertRejected(bobs, ch.peek(alteredText), Alarm.Kind.BAD_SIGNATURE, 5);
        Comms otherAuthor = new Comms(genuine.channelID(), genuine.epoch(), "bob", genuine.userSeq(),
                genuine.view(), genuine.nonce(), genuine.ct(), genuine.signature(), null);
        assertRejected(bobs, ch.peek(otherAuthor), Alarm.Kind.BAD_SIGNATURE, 5);
        AddUser invite = ch.inviteEntry(ALICE, CAROL);
        AddUser badInvite = new AddUser(invite.channelID(), invite.epoch(), invite.inviter(), "dave", invite.userSeq(),
                invite.view(), invite.enc(), invite.wrappedKey(), invite.keyCommitment(), invite.signature(), null);
        assertRejected(bobs, ch.peek(badInvite), Alarm.Kind.BAD_SIGNATURE, 5);
        assertGenuineStillApplies(bobs, ch, ALICE);
    }

    @Test
    void anAuthorMissingFromTheDirectoryIsRejected() {
        TestChannel ch = TestChannel.withHistory("general");
        ChannelLedger bobs = ledgerOf(ch, BOB);
        Alarm alarm = assertRejected(bobs, ch.peek(ch.comms(MALLORY, "hi", ch.key, 0, 1, ch.view())),
                Alarm.Kind.BAD_SIGNATURE, 5);
        assertThat(alarm.detail()).contains("mallory", "not in the directory");
        assertGenuineStillApplies(bobs, ch, BOB);
    }

    @Test
    void aNonMemberCannotPost() {
        TestChannel ch = TestChannel.withHistory("general");
        ChannelLedger bobs = ledgerOf(ch, BOB);
        // carol is in the directory and signs correctly, with a true view, but was never invited
        assertRejected(bobs, ch.peek(ch.messageEntry(CAROL, "let me in")), Alarm.Kind.NOT_MEMBER, 5);
        assertGenuineStillApplies(bobs, ch, ALICE);
    }

    @Test
    void aNonMemberCannotInvite() {
        TestChannel ch = TestChannel.withHistory("general");
        ChannelLedger bobs = ledgerOf(ch, BOB);
        assertRejected(bobs, ch.peek(ch.inviteEntry(CAROL, DAVE)), Alarm.Kind.NOT_MEMBER, 5);
        assertThat(bobs.isMember("dave")).isFalse();
        assertGenuineStillApplies(bobs, ch, ALICE);
    }

    @Test
    void invitingAMemberAgainOrSomeoneOutsideTheDirectoryIsABadInvite() {
        TestChannel ch = TestChannel.withHistory("general");
        ChannelLedger bobs = ledgerOf(ch, BOB);
        assertRejected(bobs, ch.peek(ch.inviteEntry(ALICE, BOB)), Alarm.Kind.BAD_INVITE, 5);
        assertRejected(bobs, ch.peek(ch.inviteEntry(BOB, ALICE)), Alarm.Kind.BAD_INVITE, 5);
        Alarm unknown = assertRejected(bobs, ch.peek(ch.inviteEntry(ALICE, MALLORY)), Alarm.Kind.BAD_INVITE, 5);
        assertThat(unknown.detail()).contains("mallory", "not in the directory");
        assertGenuineStillApplies(bobs, ch, ALICE);
    }

    // ------------------------------------------------------------------ creation

    @Test
    void aSecondCreationIsRejected() {
        TestChannel ch = TestChannel.withHistory("general");
        ChannelLedger bobs = ledgerOf(ch, BOB);
        assertRejected(bobs, ch.peek(ch.createEntry(ALICE)), Alarm.Kind.BAD_CREATE, 5);
        assertRejected(bobs, ch.peek(ch.createEntry(BOB)), Alarm.Kind.BAD_CREATE, 5);
        assertGenuineStillApplies(bobs, ch, BOB);
    }

    @Test
    void theFirstEntryMustBeACreation() {
        TestChannel ch = new TestChannel("general");
        ChannelLedger fresh = new ChannelLedger("general");
        assertRejected(fresh, ch.peek(ch.inviteEntry(ALICE, BOB)), Alarm.Kind.BAD_CREATE, 1);
        assertRejected(fresh, ch.peek(ch.messageEntry(ALICE, "first!")), Alarm.Kind.BAD_CREATE, 1);
        assertThat(apply(fresh, ch.accept(ch.createEntry(ALICE)), BOB)).isInstanceOf(ChannelLedger.Outcome.Applied.class);
    }

    @Test
    void anEntryBreakingSeveralRulesIsNamedByTheFirstInTheProtocolsOrder() {
        TestChannel ch = TestChannel.withHistory("general");
        ChannelLedger bobs = ledgerOf(ch, BOB);
        long last = ((Comms) ch.history().get(3).entry()).stamp().timestamp();
        // carol: not a member (rule 4), wrong epoch (4), a false view (6), stamped back in time (7)
        Comms everything = ch.comms(CAROL, "all wrong", ch.key, 1, 1, new View(4, flipped(ch.head(4), 0)));
        assertRejected(bobs, TestChannel.stamp(everything, 5, last - 1), Alarm.Kind.NOT_MEMBER, 5);
        // alice: a replayed userSeq (5) and a false view (6)
        Comms replayedAndForked = ch.comms(ALICE, "twice wrong", ch.key, 0, 1, new View(4, flipped(ch.head(4), 0)));
        assertRejected(bobs, ch.peek(replayedAndForked), Alarm.Kind.REPLAYED, 5);
        // a creation at #5 (3a) that is also replayed (5)
        assertRejected(bobs, ch.peek(ch.addUser(ALICE, "alice", ALICE.agreement().publicKey(), ch.key, 0, 1, ch.view())),
                Alarm.Kind.BAD_CREATE, 5);
        assertGenuineStillApplies(bobs, ch, ALICE);
    }

    // ------------------------------------------------------------------ ordering, views, time

    @Test
    void aUserSeqThatDoesNotIncreaseIsAReplay() {
        TestChannel ch = TestChannel.withHistory("general");
        ChannelLedger bobs = ledgerOf(ch, BOB);
        long alicesLast = ((Comms) ch.history().get(2).entry()).userSeq();
        assertRejected(bobs, ch.peek(ch.comms(ALICE, "again", ch.key, 0, alicesLast, ch.view())),
                Alarm.Kind.REPLAYED, 5);
        assertRejected(bobs, ch.peek(ch.comms(ALICE, "older", ch.key, 0, alicesLast - 1, ch.view())),
                Alarm.Kind.REPLAYED, 5);
        // the genuine old entry itself, re-stamped as new
        Comms old = (Comms) ch.history().get(2).entry();
        assertRejected(bobs, ch.peek(old.withStamp(null)), Alarm.Kind.REPLAYED, 5);
        assertGenuineStillApplies(bobs, ch, ALICE);
    }

    @Test
    void aViewThatDoesNotMatchOurChainIsAFork() {
        TestChannel ch = TestChannel.withHistory("general");
        ChannelLedger bobs = ledgerOf(ch, BOB);
        byte[] otherHead = flipped(ch.head(4), 3);
        assertRejected(bobs, ch.peek(ch.comms(ALICE, "elsewhere", ch.key, 0, ch.nextUserSeq(ALICE),
                new View(4, otherHead))), Alarm.Kind.FORK, 5);
        assertRejected(bobs, ch.peek(ch.comms(ALICE, "old fork", ch.key, 0, ch.nextUserSeq(ALICE),
                new View(2, ch.head(3)))), Alarm.Kind.FORK, 5);
        // a view of the entry itself or of the future cannot be true
        assertRejected(bobs, ch.peek(ch.comms(ALICE, "future", ch.key, 0, ch.nextUserSeq(ALICE),
                new View(5, ch.head(4)))), Alarm.Kind.FORK, 5);
        assertRejected(bobs, ch.peek(ch.comms(ALICE, "far future", ch.key, 0, ch.nextUserSeq(ALICE),
                new View(1L << 40, ch.head(4)))), Alarm.Kind.FORK, 5);
        assertRejected(bobs, ch.peek(ch.addUser(ALICE, "carol", CAROL.agreement().publicKey(), ch.key, 0,
                ch.nextUserSeq(ALICE), new View(4, otherHead))), Alarm.Kind.FORK, 5);
        assertGenuineStillApplies(bobs, ch, ALICE);
    }

    @Test
    void aTimestampEarlierThanThePreviousEntryIsRejected() {
        TestChannel ch = TestChannel.withHistory("general");
        ChannelLedger bobs = ledgerOf(ch, BOB);
        long last = ((Comms) ch.history().get(3).entry()).stamp().timestamp();
        assertRejected(bobs, TestChannel.stamp(ch.messageEntry(ALICE, "back in time"), 5, last - 1),
                Alarm.Kind.TIMESTAMP, 5);
        assertGenuineStillApplies(bobs, ch, ALICE);
    }

    @Test
    void anEntryOfAnotherKeyEpochIsRejected() {
        TestChannel ch = TestChannel.withHistory("general");
        ChannelLedger bobs = ledgerOf(ch, BOB);
        assertRejected(bobs, ch.peek(ch.comms(ALICE, "epoch one", ch.key, 1, ch.nextUserSeq(ALICE), ch.view())),
                Alarm.Kind.WRONG_EPOCH, 5);
        assertRejected(bobs, ch.peek(ch.addUser(ALICE, "carol", CAROL.agreement().publicKey(), ch.key, 1,
                ch.nextUserSeq(ALICE), ch.view())), Alarm.Kind.WRONG_EPOCH, 5);
        assertGenuineStillApplies(bobs, ch, ALICE);
    }

    // ------------------------------------------------------------------ decryption

    /** Applies an authentic, chained entry that cannot be read: the channel goes on, an alarm names it. */
    private static Alarm assertAppliedUnreadable(ChannelLedger ledger, TestChannel.Delivered d, long seq) {
        ChannelLedger.Outcome outcome = apply(ledger, d, BOB);
        assertThat(outcome).isInstanceOf(ChannelLedger.Outcome.Applied.class);
        ChannelLedger.Outcome.Applied applied = (ChannelLedger.Outcome.Applied) outcome;
        assertThat(applied.alarms()).singleElement().satisfies(a -> {
            assertThat(a.kind()).isEqualTo(Alarm.Kind.UNDECRYPTABLE);
            assertThat(a.seq()).isEqualTo(seq);
        });
        assertThat(ledger.lastSeq()).isEqualTo(seq);
        return applied.alarms().getFirst();
    }

    @Test
    void textUnderAnotherKeyIsUndecryptableButDoesNotStopTheChannel() {
        TestChannel ch = TestChannel.withHistory("general");
        ChannelLedger bobs = ledgerOf(ch, BOB);
        Alarm alarm = assertAppliedUnreadable(bobs, ch.accept(ch.comms(ALICE, "secret", ChannelCrypto.newChannelKey(), 0,
                ch.nextUserSeq(ALICE), ch.view())), 5);
        assertThat(alarm.detail()).contains("does not decrypt");
        assertThat(bobs.history().getLast()).isInstanceOfSatisfying(HistoryItem.Text.class,
                t -> assertThat(t.text()).isEqualTo(ChannelLedger.UNREADABLE));
        assertThat(bobs.head(5)).isEqualTo(ch.head(5));
        assertGenuineStillApplies(bobs, ch, ALICE);
    }

    @Test
    void aChannelKeyThatDoesNotOpenForUsIsAnAlarmAndItsMessagesAreUnreadable() {
        TestChannel ch = new TestChannel("general");
        ch.accept(ch.createEntry(ALICE));
        ChannelLedger bobs = ledgerOf(ch, BOB);
        // invites bob, but wraps the key to carol's public key
        AddUser misdirected = ch.addUser(ALICE, "bob", CAROL.agreement().publicKey(), ch.key, 0, ch.nextUserSeq(ALICE),
                ch.view());
        assertAppliedUnreadable(bobs, ch.accept(misdirected), 2);
        assertThat(bobs.isMember("bob")).isTrue();
        assertThat(bobs.key()).isNull();
        ChannelLedger.Outcome next = apply(bobs, ch.accept(ch.messageEntry(ALICE, "you cannot read this")), BOB);
        assertThat(next).isInstanceOf(ChannelLedger.Outcome.Applied.class);
        assertThat(((ChannelLedger.Outcome.Applied) next).alarms()).as("the missing key was reported once").isEmpty();
        assertThat(bobs.history().getLast()).isInstanceOfSatisfying(HistoryItem.Text.class,
                t -> assertThat(t.text()).isEqualTo(ChannelLedger.UNREADABLE));
    }

    @Test
    void messagesSentBeforeWeJoinedAreVerifiedAtOnceAndReadWhenOurInvitationBringsTheKey() {
        TestChannel ch = new TestChannel("late");
        ch.accept(ch.createEntry(ALICE));
        ch.accept(ch.messageEntry(ALICE, "before bob 1"));
        ch.accept(ch.messageEntry(ALICE, "before bob 2"));
        ChannelLedger bobs = new ChannelLedger("late");
        for (TestChannel.Delivered d : ch.history()) {
            ChannelLedger.Outcome o = apply(bobs, d, BOB);
            assertThat(o).isInstanceOf(ChannelLedger.Outcome.Applied.class);
            assertThat(((ChannelLedger.Outcome.Applied) o).alarms()).isEmpty();
        }
        assertThat(bobs.lastSeq()).isEqualTo(3);
        assertThat(bobs.history()).hasSize(1); // only the creation can be shown yet

        ChannelLedger.Outcome invited = apply(bobs, ch.accept(ch.inviteEntry(ALICE, BOB)), BOB);
        ChannelLedger.Outcome.Applied applied = (ChannelLedger.Outcome.Applied) invited;
        assertThat(applied.alarms()).isEmpty();
        assertThat(applied.revealed()).extracting(HistoryItem::seq).containsExactly(2L, 3L);
        assertThat(applied.revealed()).extracting(i -> ((HistoryItem.Text) i).text())
                .containsExactly("before bob 1", "before bob 2");
        assertThat(bobs.history()).extracting(HistoryItem::seq).containsExactly(1L, 2L, 3L, 4L);
        assertThat(bobs.head(4)).isEqualTo(ch.head(4));
        assertGenuineStillApplies(bobs, ch, ALICE);
    }

    @Test
    void ourOwnAcceptedEntriesAreRecognisedByTheirSignedContentOnly() {
        TestChannel ch = TestChannel.withHistory("general");
        Comms mine = ch.messageEntry(BOB, "sent once");
        byte[] unstamped = chat.protocol.json.Jcs.canonical(chat.protocol.MessageCodec.toJson(mine));
        ChannelLedger bobs = ledgerOf(ch, BOB);
        assertThat(bobs.acceptedAt(mine.userSeq(), unstamped)).as("not accepted yet").isEqualTo(-1);
        apply(bobs, ch.accept(mine), BOB);
        assertThat(bobs.acceptedAt(mine.userSeq(), unstamped)).isEqualTo(5);
        // another device's entry with the same userSeq but other content is not ours
        Comms other = ch.comms(BOB, "from the other device", ch.key, 0, mine.userSeq(), ch.view());
        byte[] otherBytes = chat.protocol.json.Jcs.canonical(chat.protocol.MessageCodec.toJson(other));
        assertThat(bobs.acceptedAt(mine.userSeq(), otherBytes)).isEqualTo(-1);
    }

    @Test
    void everyOwnEntryBetweenTwoSnapshotsIsStillRecognised() {
        // A kill loses the acknowledgements still in the outbox's buffer; at the restart, each
        // of those commands must be recognised by its entry applied since the last snapshot
        // (up to SNAPSHOT_EVERY of them), or it is signed and sent a second time.
        TestChannel ch = TestChannel.withHistory("general");
        ChannelLedger bobs = ledgerOf(ch, BOB);
        Comms first = ch.messageEntry(BOB, "own 0");
        byte[] firstUnstamped = chat.protocol.json.Jcs.canonical(chat.protocol.MessageCodec.toJson(first));
        long firstSeq = ch.seq() + 1;
        apply(bobs, ch.accept(first), BOB);
        for (int i = 1; i < LocalState.SNAPSHOT_EVERY; i++) {
            apply(bobs, ch.accept(ch.messageEntry(BOB, "own " + i)), BOB);
        }
        assertThat(bobs.acceptedAt(first.userSeq(), firstUnstamped)).isEqualTo(firstSeq);
    }

    // ------------------------------------------------------------------ local state

    @Test
    void trustedEntriesFromOurOwnStateRebuildTheSameChain() {
        TestChannel ch = TestChannel.withHistory("general");
        ChannelLedger verified = ledgerOf(ch, BOB);
        ChannelLedger rebuilt = new ChannelLedger("general");
        for (TestChannel.Delivered d : ch.history()) {
            chat.protocol.ChannelEntry m = TestChannel.decode(d.bytes());
            assertThat(rebuilt.apply(m, d.bytes(), DIRECTORY, BOB, true)).isInstanceOf(ChannelLedger.Outcome.Applied.class);
        }
        assertThat(Snapshot.of(rebuilt)).isEqualTo(Snapshot.of(verified));
        for (long seq = 0; seq <= 4; seq++) {
            assertThat(Arrays.equals(rebuilt.head(seq), ch.head(seq))).as("head " + seq).isTrue();
        }
    }
}
