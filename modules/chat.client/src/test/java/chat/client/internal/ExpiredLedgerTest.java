package chat.client.internal;

import static chat.client.internal.TestChannel.ALICE;
import static chat.client.internal.TestChannel.BOB;
import static chat.client.internal.TestChannel.DIRECTORY;
import static org.assertj.core.api.Assertions.assertThat;

import chat.client.Alarm;
import chat.client.HistoryItem;
import chat.protocol.Comms;
import chat.protocol.Expired;
import chat.protocol.View;
import chat.protocol.identity.IdentityKeys;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The {@code expired} placeholder of a server with a retention period (docs/protocol.md,
 * "Retention"): a device that holds the run compares the head the server gives with its own
 * (a different one is "rewritten history"); a device that does not adopts it and checks
 * every later entry against it; a view inside a run the device never held is not checked.
 */
class ExpiredLedgerTest {

    private static ChannelLedger.Outcome apply(ChannelLedger ledger, TestChannel.Delivered d, IdentityKeys me) {
        return ledger.apply(TestChannel.decode(d.bytes()), d.bytes(), DIRECTORY, me, false);
    }

    /** alice creates, invites bob, then 6 messages: entries 1..8. */
    private static TestChannel channel() {
        TestChannel ch = TestChannel.withHistory("general");
        for (int i = 5; i <= 8; i++) {
            ch.accept(ch.messageEntry(i % 2 == 0 ? ALICE : BOB, "message " + i));
        }
        return ch;
    }

    private static long timestamp(TestChannel ch, long seq) {
        return ch.history().get((int) seq - 1).entry().stamp().timestamp();
    }

    /** The placeholder an honest server sends for entries {@code from..to}. */
    private static Expired expired(TestChannel ch, long from, long to) {
        return new Expired(ch.name, from, to, ch.head(to), timestamp(ch, to));
    }

    private static ChannelLedger holding(TestChannel ch, long upTo, IdentityKeys me) {
        ChannelLedger ledger = new ChannelLedger(ch.name);
        for (TestChannel.Delivered d : ch.history().subList(0, (int) upTo)) {
            assertThat(apply(ledger, d, me)).isInstanceOf(ChannelLedger.Outcome.Applied.class);
        }
        return ledger;
    }

    private static Alarm rejected(ChannelLedger.Outcome outcome, Alarm.Kind kind, long seq) {
        assertThat(outcome).isInstanceOf(ChannelLedger.Outcome.Rejected.class);
        Alarm alarm = ((ChannelLedger.Outcome.Rejected) outcome).alarm();
        assertThat(alarm.kind()).as(alarm.toString()).isEqualTo(kind);
        assertThat(alarm.seq()).as(alarm.toString()).isEqualTo(seq);
        return alarm;
    }

    @Test
    void aDeviceHoldingTheRunAcceptsTheSameHeadAndAlarmsOnAnother() {
        TestChannel ch = channel();
        ChannelLedger bobs = holding(ch, 8, BOB);
        assertThat(bobs.checkExpired(expired(ch, 3, 6))).isInstanceOf(ChannelLedger.Outcome.Duplicate.class);
        // The attacker: the server claims the run ended at another head than the one bob verified.
        Expired forged = new Expired(ch.name, 3, 6, ch.head(5), timestamp(ch, 6));
        Alarm alarm = rejected(bobs.checkExpired(forged), Alarm.Kind.REWRITTEN, 6);
        assertThat(alarm.detail()).contains("rewrote the history");
        // A run over entries bob holds and beyond them: no honest server replays what a device holds.
        ch.accept(ch.messageEntry(ALICE, "nine"));
        rejected(bobs.checkExpired(expired(ch, 7, 9)), Alarm.Kind.REWRITTEN, 7);
        assertThat(bobs.lastSeq()).as("nothing applied").isEqualTo(8);
        assertThat(bobs.head(8)).isEqualTo(ch.head(8));
    }

    @Test
    void aNewDeviceAdoptsTheHeadAndChecksTheChainFromThere() {
        TestChannel ch = channel();
        ChannelLedger fresh = holding(ch, 2, BOB); // the creation and bob's invitation are never expired
        Expired run = expired(ch, 3, 8);
        assertThat(fresh.checkExpired(run)).isNull();
        HistoryItem shown = null;
        while (fresh.lastSeq() < 8) {
            HistoryItem item = fresh.applyExpired(run);
            shown = item != null ? item : shown;
        }
        assertThat(shown).isEqualTo(new HistoryItem.Expired(3, 8, java.time.Instant.ofEpochMilli(timestamp(ch, 8))));
        assertThat(((HistoryItem.Expired) shown).count()).isEqualTo(6);
        assertThat(fresh.head(8)).isEqualTo(ch.head(8));
        assertThat(fresh.history()).last().isEqualTo(shown);

        // The next genuine entry chains on the adopted head.
        TestChannel.Delivered nine = ch.accept(ch.messageEntry(ALICE, "nine"));
        assertThat(apply(fresh, nine, BOB)).isInstanceOf(ChannelLedger.Outcome.Applied.class);
        assertThat(fresh.head(9)).isEqualTo(ch.head(9));
        // A view inside the run cannot be checked by this device: accepted (rule 6).
        Comms inside = ch.comms(BOB, "seen #5", ch.key, 0, ch.nextUserSeq(BOB), new View(5, ch.head(5)));
        assertThat(apply(fresh, ch.accept(inside), BOB)).isInstanceOf(ChannelLedger.Outcome.Applied.class);
        // A view of the run's last entry is checked against the adopted head.
        Comms forked = ch.comms(ALICE, "other history", ch.key, 0, ch.nextUserSeq(ALICE), new View(8, ch.head(7)));
        rejected(apply(fresh, ch.peek(forked), BOB), Alarm.Kind.FORK, 11);
        // An entry of the run delivered after all: the server said it had expired.
        rejected(apply(fresh, ch.history().get(4), BOB), Alarm.Kind.REWRITTEN, 5);
    }

    @Test
    void aRunMustFollowWhatTheDeviceHoldsAndNeverPrecedeTheCreation() {
        TestChannel ch = channel();
        rejected(new ChannelLedger(ch.name).checkExpired(expired(ch, 2, 8)), Alarm.Kind.BAD_CREATE, 1);
        ChannelLedger twoHeld = holding(ch, 2, BOB);
        rejected(twoHeld.checkExpired(expired(ch, 5, 8)), Alarm.Kind.GAP, 3);
        Expired early = new Expired(ch.name, 3, 8, ch.head(8), timestamp(ch, 1) - 1);
        rejected(twoHeld.checkExpired(early), Alarm.Kind.TIMESTAMP, 3);
        assertThat(twoHeld.lastSeq()).isEqualTo(2);
        assertThat(List.of(twoHeld.head(2))).containsExactly(ch.head(2));
    }
}
