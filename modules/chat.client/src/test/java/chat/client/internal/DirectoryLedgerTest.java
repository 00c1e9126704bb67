package chat.client.internal;

import static chat.client.internal.TestChannel.ADMIN;
import static chat.client.internal.TestChannel.ALICE;
import static chat.client.internal.TestChannel.BOB;
import static chat.client.internal.TestChannel.CAROL;
import static chat.client.internal.TestChannel.DIRECTORY;
import static org.assertj.core.api.Assertions.assertThat;

import chat.client.Alarm;
import chat.protocol.DirectoryClaim;
import chat.protocol.Entries;
import chat.protocol.identity.DirectoryException;
import chat.protocol.identity.DirectoryLog;
import chat.protocol.identity.IdentityKeys;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The channel rules that depend on the directory log (docs/protocol.md, "The directory
 * log"): history signed by a user whose key was later revoked stays verifiable, any member
 * may remove a revoked member (and only a revoked one), and the directory version each
 * member's message names is handed to the client for comparison.
 */
class DirectoryLedgerTest {

    private static final DirectoryLog BOB_REVOKED = revoke(DIRECTORY, "bob");

    private static DirectoryLog revoke(DirectoryLog log, String user) {
        try {
            return log.sign(ADMIN, Map.of(), Set.of(user), log.version(log.number()).issued() + 1000);
        } catch (DirectoryException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ChannelLedger.Outcome apply(ChannelLedger ledger, TestChannel.Delivered d, DirectoryLog log,
                                               IdentityKeys me) {
        return ledger.apply(TestChannel.decode(d.bytes()), d.bytes(), log, me, false);
    }

    private static TestChannel threeMembers() {
        TestChannel ch = new TestChannel("ops");
        ch.accept(ch.createEntry(ALICE));
        ch.accept(ch.inviteEntry(ALICE, BOB));
        ch.accept(ch.inviteEntry(ALICE, CAROL));
        return ch;
    }

    @Test
    void historyByARevokedUserStillVerifies() {
        TestChannel ch = threeMembers();
        ch.accept(ch.messageEntry(BOB, "before my key was revoked"));
        ChannelLedger ledger = new ChannelLedger(ch.name);
        for (TestChannel.Delivered d : ch.history()) {
            assertThat(apply(ledger, d, BOB_REVOKED, CAROL)).isInstanceOf(ChannelLedger.Outcome.Applied.class);
        }
        assertThat(ledger.members()).contains("bob");
    }

    @Test
    void anyMemberMayRemoveARevokedMember() {
        TestChannel ch = threeMembers();
        TestChannel.Delivered removal = ch.accept(ch.removeEntry(CAROL, BOB)); // carol is no admin
        ChannelLedger ledger = new ChannelLedger(ch.name);
        for (TestChannel.Delivered d : ch.history()) {
            assertThat(apply(ledger, d, BOB_REVOKED, ALICE)).isInstanceOf(ChannelLedger.Outcome.Applied.class);
        }
        assertThat(ledger.members()).containsExactly("alice", "carol");
        assertThat(ledger.rotationPending()).isTrue();
        assertThat(ledger.designatedRotator()).isEqualTo("carol"); // the remover rotates, as after any removal
        assertThat(removal.seq()).isEqualTo(4);
    }

    @Test
    void aNonAdminsRemovalOfAMemberWhoseKeyIsValidIsStillRefused() {
        TestChannel ch = threeMembers();
        TestChannel.Delivered removal = ch.accept(ch.removeEntry(CAROL, BOB));
        ChannelLedger ledger = new ChannelLedger(ch.name);
        for (TestChannel.Delivered d : ch.history().subList(0, 3)) {
            apply(ledger, d, DIRECTORY, ALICE);
        }
        ChannelLedger.Outcome outcome = apply(ledger, removal, DIRECTORY, ALICE);
        assertThat(outcome).isInstanceOf(ChannelLedger.Outcome.Rejected.class);
        assertThat(((ChannelLedger.Outcome.Rejected) outcome).alarm().kind()).isEqualTo(Alarm.Kind.NOT_ADMIN);
    }

    @Test
    void membersMessagesNameTheirDirectoryVersion() throws Exception {
        TestChannel ch = threeMembers();
        DirectoryClaim claim = new DirectoryClaim(DIRECTORY.number(), DIRECTORY.head());
        ch.accept(Entries.comms(BOB.signing(), ch.name, 0, "bob", ch.nextUserSeq(BOB), ch.view(), ch.currentKey(),
                "hi", claim));
        ch.accept(ch.messageEntry(ALICE, "no claim in this one"));
        ChannelLedger ledger = new ChannelLedger(ch.name);
        for (TestChannel.Delivered d : ch.history()) {
            assertThat(apply(ledger, d, DIRECTORY, CAROL)).isInstanceOf(ChannelLedger.Outcome.Applied.class);
        }
        var claims = ledger.drainClaims();
        assertThat(claims).hasSize(1);
        assertThat(claims.get(0).author()).isEqualTo("bob");
        assertThat(claims.get(0).seq()).isEqualTo(4);
        assertThat(claims.get(0).claim().number()).isEqualTo(1);
        assertThat(claims.get(0).claim().head()).isEqualTo(DIRECTORY.head());
        assertThat(ledger.drainClaims()).isEmpty();
    }
}
