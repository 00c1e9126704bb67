package chat.client.internal;

import chat.crypto.AgreementPublicKey;
import chat.crypto.MalformedInputException;
import chat.protocol.AddUser;
import chat.protocol.ChainHash;
import chat.protocol.ChannelCrypto;
import chat.protocol.ChannelEntry;
import chat.protocol.Comms;
import chat.protocol.Entries;
import chat.protocol.MemberChange;
import chat.protocol.Rotate;
import chat.protocol.SignedForms;
import chat.crypto.HpkeSealed;
import chat.protocol.Message;
import chat.protocol.MessageCodec;
import chat.protocol.Stamp;
import chat.protocol.View;
import chat.protocol.identity.DirectoryLog;
import chat.protocol.identity.IdentityKeys;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.SortedMap;
import java.util.List;
import java.util.Map;

/**
 * Plays an honest server and honest members for one channel: signs entries with the
 * members' real keys, stamps them with the next channelSeq and a later timestamp, and keeps
 * the genuine hash chain, so a test can deliver the genuine history and, beside it, one
 * manipulated entry at a time.
 */
final class TestChannel {

    /** Users of the test directory: alice, bob, carol, dave; mallory has keys but is not listed. */
    static final IdentityKeys ALICE = IdentityKeys.generate("alice");
    static final IdentityKeys BOB = IdentityKeys.generate("bob");
    static final IdentityKeys CAROL = IdentityKeys.generate("carol");
    static final IdentityKeys DAVE = IdentityKeys.generate("dave");
    static final IdentityKeys MALLORY = IdentityKeys.generate("mallory");
    /** Signs the test directory's versions. */
    static final IdentityKeys ADMIN = IdentityKeys.generate("admin");
    static final DirectoryLog DIRECTORY = DirectoryLog.genesis(ADMIN, IdentityKeys.generate("server").principal(),
            Map.of("alice", ALICE.principal(), "bob", BOB.principal(), "carol", CAROL.principal(),
                    "dave", DAVE.principal()), 1_767_225_600_000L);

    /** An entry as the server delivers it: the stamped message and its canonical bytes. */
    record Delivered(ChannelEntry entry, byte[] bytes) {
        long seq() {
            return entry.stamp().channelSeq();
        }
    }

    private static final MessageCodec CODEC = new MessageCodec();

    final String name;
    final byte[] key = ChannelCrypto.newChannelKey();
    private final List<byte[]> heads = new ArrayList<>();
    private final List<Delivered> delivered = new ArrayList<>();
    private final Map<String, Long> userSeqs = new HashMap<>();
    private long clock = 1_700_000_000_000L;
    /** The key epoch the accepted entries have reached, and every epoch's key. */
    long epoch;
    final Map<Long, byte[]> keys = new HashMap<>();
    /** Keys of rotations built here, by their commitment (hex), so that accepting one moves the epoch. */
    private final Map<String, byte[]> minted = new HashMap<>();

    TestChannel(String name) {
        this.name = name;
        heads.add(ChainHash.genesis(name));
        keys.put(0L, key);
    }

    /** The key of the current epoch. */
    byte[] currentKey() {
        return keys.get(epoch);
    }

    long seq() {
        return heads.size() - 1;
    }

    View view() {
        return new View(seq(), heads.get((int) seq()));
    }

    byte[] head(long seq) {
        return heads.get((int) seq);
    }

    List<Delivered> history() {
        return List.copyOf(delivered);
    }

    long nextUserSeq(IdentityKeys who) {
        return userSeqs.getOrDefault(who.name(), 0L) + 1;
    }

    // ------------------------------------------------------------ unsigned-by-server entries

    AddUser createEntry(IdentityKeys creator) {
        return addUser(creator, creator.name(), creator.agreement().publicKey(), key, 0, nextUserSeq(creator), view());
    }

    AddUser inviteEntry(IdentityKeys inviter, IdentityKeys invitee) {
        return addUser(inviter, invitee.name(), invitee.agreement().publicKey(), currentKey(), epoch,
                nextUserSeq(inviter), view());
    }

    Comms messageEntry(IdentityKeys sender, String text) {
        return comms(sender, text, currentKey(), epoch, nextUserSeq(sender), view());
    }

    MemberChange memberEntry(IdentityKeys author, String subject, MemberChange.Change change) {
        return Entries.member(author.signing(), name, epoch, author.name(), subject, change, nextUserSeq(author), view());
    }

    MemberChange removeEntry(IdentityKeys admin, IdentityKeys subject) {
        return memberEntry(admin, subject.name(), MemberChange.Change.REMOVE);
    }

    MemberChange leaveEntry(IdentityKeys member) {
        return memberEntry(member, member.name(), MemberChange.Change.LEAVE);
    }

    MemberChange adminEntry(IdentityKeys admin, IdentityKeys subject) {
        return memberEntry(admin, subject.name(), MemberChange.Change.ADMIN);
    }

    /** A rotate by {@code rotator} to the next epoch with a fresh key, wrapped to {@code to}. */
    Rotate rotateEntry(IdentityKeys rotator, IdentityKeys... to) {
        return rotateEntry(rotator, ChannelCrypto.newChannelKey(), epoch + 1, to);
    }

    Rotate rotateEntry(IdentityKeys rotator, byte[] newKey, long toEpoch, IdentityKeys... to) {
        Map<String, AgreementPublicKey> members = new LinkedHashMap<>();
        for (IdentityKeys m : to) {
            members.put(m.name(), m.agreement().publicKey());
        }
        try {
            Rotate r = Entries.rotate(rotator.signing(), name, toEpoch, rotator.name(), members, newKey,
                    keys.get(toEpoch - 1), nextUserSeq(rotator), view());
            minted.put(HexFormat.of().formatHex(r.keyCommitment()), newKey);
            return r;
        } catch (MalformedInputException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code r} with other wrapped keys, signed again by {@code rotator} (a malicious member's rotation). */
    static Rotate withKeys(Rotate r, IdentityKeys rotator, SortedMap<String, Rotate.WrappedKey> wrapped) {
        Rotate unsigned = new Rotate(r.channelID(), r.epoch(), r.userID(), r.userSeq(), r.view(), wrapped,
                r.keyCommitment(), r.previousNonce(), r.previousKey(), new byte[0], null);
        return new Rotate(r.channelID(), r.epoch(), r.userID(), r.userSeq(), r.view(), wrapped, r.keyCommitment(),
                r.previousNonce(), r.previousKey(), rotator.signing().sign(SignedForms.entry(unsigned)), null);
    }

    /** {@code a} carrying another key's wrapping but its own commitment, signed again (a malicious inviter). */
    AddUser withWrappedKey(AddUser a, IdentityKeys inviter, AgreementPublicKey inviteeKey, byte[] otherKey) {
        try {
            HpkeSealed w = ChannelCrypto.wrapKey(otherKey, inviteeKey, name, a.epoch(), a.inviter(), a.invitee());
            AddUser unsigned = new AddUser(a.channelID(), a.epoch(), a.inviter(), a.invitee(), a.userSeq(), a.view(),
                    w.enc(), w.ciphertext(), a.keyCommitment(), new byte[0], null);
            return new AddUser(a.channelID(), a.epoch(), a.inviter(), a.invitee(), a.userSeq(), a.view(), w.enc(),
                    w.ciphertext(), a.keyCommitment(), inviter.signing().sign(SignedForms.addUser(unsigned)), null);
        } catch (MalformedInputException e) {
            throw new IllegalStateException(e);
        }
    }

    AddUser addUser(IdentityKeys inviter, String invitee, AgreementPublicKey inviteeKey, byte[] channelKey, long epoch,
                    long userSeq, View view) {
        try {
            return Entries.addUser(inviter.signing(), name, epoch, inviter.name(), invitee, inviteeKey, channelKey,
                    userSeq, view);
        } catch (MalformedInputException e) {
            throw new IllegalStateException(e);
        }
    }

    Comms comms(IdentityKeys sender, String text, byte[] channelKey, long epoch, long userSeq, View view) {
        try {
            return Entries.comms(sender.signing(), name, epoch, sender.name(), userSeq, view, channelKey, text);
        } catch (MalformedInputException e) {
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------ the server's part

    /** The honest server accepts {@code entry}: next seq, a later timestamp, the chain advances. */
    Delivered accept(ChannelEntry entry) {
        Delivered d = stamp(entry, seq() + 1, clock + 1000);
        clock += 1000;
        heads.add(ChainHash.next(head(seq()), d.bytes()));
        delivered.add(d);
        userSeqs.put(entry.author(), entry.userSeq());
        if (entry instanceof Rotate r) {
            epoch = r.epoch();
            keys.put(epoch, minted.get(HexFormat.of().formatHex(r.keyCommitment())));
        }
        return d;
    }

    /** Stamps {@code entry} as the next one would be, without accepting it (for a manipulated delivery). */
    Delivered peek(ChannelEntry entry) {
        return stamp(entry, seq() + 1, clock + 1000);
    }

    static Delivered stamp(ChannelEntry entry, long seq, long timestamp) {
        ChannelEntry stamped = entry.withStamp(new Stamp(seq, timestamp));
        return new Delivered(stamped, CODEC.encode(stamped));
    }

    static long userSeqOf(ChannelEntry entry) {
        return entry.userSeq();
    }

    /** Decodes what was encoded, as the client does with bytes off the wire. */
    static ChannelEntry decode(byte[] bytes) {
        try {
            return (ChannelEntry) CODEC.decode(bytes);
        } catch (chat.protocol.ProtocolException e) {
            throw new AssertionError("the codec refused what it encoded: " + e.getMessage(), e);
        }
    }

    /** A channel with alice's creation, bob's invitation and one message from each, all accepted. */
    static TestChannel withHistory(String name) {
        TestChannel ch = new TestChannel(name);
        ch.accept(ch.createEntry(ALICE));
        ch.accept(ch.inviteEntry(ALICE, BOB));
        ch.accept(ch.messageEntry(ALICE, "hello bob"));
        ch.accept(ch.messageEntry(BOB, "hello alice"));
        return ch;
    }
}
