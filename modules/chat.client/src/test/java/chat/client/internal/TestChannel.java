package chat.client.internal;

import chat.crypto.AgreementPublicKey;
import chat.crypto.MalformedInputException;
import chat.protocol.AddUser;
import chat.protocol.ChainHash;
import chat.protocol.ChannelCrypto;
import chat.protocol.ChannelEntry;
import chat.protocol.Comms;
import chat.protocol.Entries;
import chat.protocol.Message;
import chat.protocol.MessageCodec;
import chat.protocol.Stamp;
import chat.protocol.View;
import chat.protocol.identity.Directory;
import chat.protocol.identity.IdentityKeys;
import java.util.ArrayList;
import java.util.HashMap;
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
    static final Directory DIRECTORY = new Directory(IdentityKeys.generate("server").principal(),
            Map.of("alice", ALICE.principal(), "bob", BOB.principal(), "carol", CAROL.principal(),
                    "dave", DAVE.principal()));

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

    TestChannel(String name) {
        this.name = name;
        heads.add(ChainHash.genesis(name));
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
        return addUser(inviter, invitee.name(), invitee.agreement().publicKey(), key, 0, nextUserSeq(inviter), view());
    }

    Comms messageEntry(IdentityKeys sender, String text) {
        return comms(sender, text, key, 0, nextUserSeq(sender), view());
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
