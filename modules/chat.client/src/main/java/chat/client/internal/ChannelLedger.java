package chat.client.internal;

import chat.client.Alarm;
import chat.client.HistoryItem;
import chat.crypto.CryptoException;
import chat.crypto.Sha256;
import chat.protocol.AddUser;
import chat.protocol.ChainHash;
import chat.protocol.ChannelEntry;
import chat.protocol.ChannelCrypto;
import chat.protocol.ChannelEntry;
import chat.protocol.Comms;
import chat.protocol.Entries;
import chat.protocol.Message;
import chat.protocol.MessageCodec;
import chat.protocol.identity.Directory;
import chat.protocol.identity.IdentityKeys;
import chat.protocol.identity.Principal;
import chat.protocol.json.Jcs;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One channel as this device has verified it: members, the channel key, every chain head,
 * each author's last userSeq, the history. {@link #apply} checks a delivered entry
 * against all of it (docs/protocol.md, "Client verification rules", in the order given
 * there, so an entry breaking several rules is named by the first) and either applies it
 * or names what is wrong; nothing is applied half-way.
 */
final class ChannelLedger {

    static final long EPOCH = 0;

    sealed interface Outcome {
        /**
         * The entry was verified and chained. {@code item} is what to show for it (null for
         * a message sent before we joined: it is read once our invitation brings the key);
         * {@code revealed} are such earlier messages that this entry (our invitation) made
         * readable, oldest first; {@code alarms} are problems that did not stop the channel
         * (a message that does not decrypt).
         */
        record Applied(HistoryItem item, List<HistoryItem> revealed, List<Alarm> alarms) implements Outcome {
            Applied(HistoryItem item) {
                this(item, List.of(), List.of());
            }
        }

        record Duplicate() implements Outcome {
        }

        record Rejected(Alarm alarm) implements Outcome {
        }
    }

    final String name;
    private final Set<String> members = new LinkedHashSet<>();
    private final Map<String, Long> lastUserSeq = new HashMap<>();
    private final List<HistoryItem> history = new ArrayList<>();
    private byte[] heads = new byte[32 * 16];
    private long lastSeq;
    private long lastTimestamp;
    private byte[] key;
    /** Messages chained before we joined, waiting for the key our invitation brings (rule 8). */
    private final List<Comms> awaitingKey = new ArrayList<>();
    private boolean keylessReported;
    /** Our own entries: userSeq -> (channelSeq, SHA-256 of the unstamped entry), to recognise a command already accepted. */
    private final Map<Long, OwnEntry> own = new HashMap<>();

    record OwnEntry(long seq, byte[] unstampedHash) {
    }
    /** The seq after which the chain is broken and has been reported (a gap or a rejected entry), else -1. */
    private long reportedAt = -1;
    long readUpTo;

    ChannelLedger(String name) {
        this.name = name;
        System.arraycopy(ChainHash.genesis(name), 0, heads, 0, 32);
    }

    long lastSeq() {
        return lastSeq;
    }

    byte[] head(long seq) {
        return Arrays.copyOfRange(heads, (int) (seq * 32), (int) (seq * 32 + 32));
    }

    byte[] key() {
        return key;
    }

    /**
     * True when the entry right after what we hold was reported already, missing or
     * rejected: what arrives beyond it cannot be applied and is not reported again.
     */
    boolean problemReported() {
        return reportedAt == lastSeq + 1;
    }

    boolean isMember(String user) {
        return members.contains(user);
    }

    List<String> members() {
        return List.copyOf(members);
    }

    List<HistoryItem> history() {
        return history;
    }

    int unread(String me) {
        int n = 0;
        for (int i = history.size() - 1; i >= 0 && history.get(i).seq() > readUpTo; i--) {
            if (history.get(i) instanceof HistoryItem.Text t && !t.mine()) {
                n++;
            }
        }
        return n;
    }

    /**
     * Verifies and applies entry {@code canonical} (the delivered bytes, RFC 8785 form of
     * {@code entry}). With {@code trusted} (our own sealed local state, already verified
     * once) signatures are not checked again; everything else is, so the state is rebuilt
     * exactly.
     */
    Outcome apply(Message entry, byte[] canonical, Directory directory, IdentityKeys me, boolean trusted) {
        long seq = seqOf(entry);
        if (seq <= lastSeq) {
            byte[] again = ChainHash.next(head(seq - 1), canonical);
            return Arrays.equals(again, head(seq)) ? new Outcome.Duplicate()
                    : reject(seq, Alarm.Kind.REWRITTEN, "entry #" + seq + " arrived again with different content");
        }
        if (seq != lastSeq + 1) {
            if (problemReported()) {
                return new Outcome.Duplicate(); // beyond a break already reported: ignored, not reported again
            }
            // named by the first missing entry, as the gap found at replayFinished is
            return reject(lastSeq + 1, Alarm.Kind.GAP, "expected entry #" + (lastSeq + 1) + ", the server sent #" + seq
                    + ": entries #" + (lastSeq + 1) + ".." + (seq - 1) + " are missing");
        }
        String author = ((ChannelEntry) entry).author();
        Principal principal = directory.user(author).orElse(null);
        if (principal == null) {
            return reject(seq, Alarm.Kind.BAD_SIGNATURE, "author " + author + " is not in the directory");
        }
        boolean signed = switch (entry) {
            case AddUser a -> trusted || Entries.verify(a, principal.signingKey());
            case Comms c -> trusted || Entries.verify(c, principal.signingKey());
            default -> false;
        };
        if (!signed) {
            return reject(seq, Alarm.Kind.BAD_SIGNATURE, "the signature of " + author + " on entry #" + seq
                    + " does not verify");
        }
        Outcome membership = switch (entry) {
            case AddUser a -> checkAddUser(a, seq, directory);
            case Comms c -> checkComms(c, seq);
            default -> throw new IllegalArgumentException(entry.type());
        };
        if (membership != null) {
            return membership;
        }
        long epoch = entry instanceof AddUser a ? a.epoch() : ((Comms) entry).epoch();
        if (epoch != EPOCH) {
            return reject(seq, Alarm.Kind.WRONG_EPOCH, "entry #" + seq + " uses key epoch " + epoch);
        }
        long userSeq = entry instanceof AddUser a ? a.userSeq() : ((Comms) entry).userSeq();
        Long previous = lastUserSeq.get(author);
        if (previous != null && userSeq <= previous) {
            return reject(seq, Alarm.Kind.REPLAYED, author + "'s userSeq went from " + previous + " to " + userSeq
                    + " at entry #" + seq);
        }
        chat.protocol.View view = entry instanceof AddUser a ? a.view() : ((Comms) entry).view();
        if (view.seq() >= seq || !Arrays.equals(view.head(), head(view.seq()))) {
            return reject(seq, Alarm.Kind.FORK, author + " signed entry #" + seq + " having seen entry #" + view.seq()
                    + " with a chain head different from ours: the server showed us different histories");
        }
        long timestamp = entry instanceof AddUser a ? a.stamp().timestamp() : ((Comms) entry).stamp().timestamp();
        if (timestamp < lastTimestamp) {
            return reject(seq, Alarm.Kind.TIMESTAMP, "entry #" + seq + " is stamped before entry #" + lastSeq);
        }
        HistoryItem item;
        List<HistoryItem> revealed = List.of();
        List<Alarm> alarms = new ArrayList<>();
        switch (entry) {
            case AddUser a -> {
                byte[] unwrapped = null;
                if (a.invitee().equals(me.name())) {
                    try {
                        unwrapped = ChannelCrypto.unwrapKey(a, me.agreement());
                    } catch (CryptoException e) {
                        alarms.add(new Alarm(name, seq, Alarm.Kind.UNDECRYPTABLE, "the channel key " + a.inviter()
                                + " wrapped for us in entry #" + seq + " does not open: " + e.getMessage()));
                        keylessReported = true;
                    }
                }
                members.add(a.invitee());
                item = new HistoryItem.Joined(seq, Instant.ofEpochMilli(timestamp), a.inviter(), a.invitee());
                if (unwrapped != null) {
                    key = unwrapped;
                    revealed = reveal(me, alarms);
                }
            }
            case Comms c -> {
                if (key == null && !members.contains(me.name()) && !keylessReported) {
                    // Sent before we joined: verified and chained now, read once our invitation brings the key.
                    awaitingKey.add(c);
                    item = null;
                } else {
                    item = read(c, me, alarms);
                }
            }
            default -> throw new IllegalArgumentException(entry.type());
        }
        lastUserSeq.put(author, userSeq);
        if (author.equals(me.name())) {
            own.put(userSeq, new OwnEntry(seq, unstampedHash(entry)));
        }
        lastTimestamp = timestamp;
        pushHead(ChainHash.next(head(lastSeq), canonical));
        lastSeq = seq;
        if (item != null) {
            history.add(item);
        }
        if (!revealed.isEmpty()) {
            history.addAll(revealed);
            history.sort(java.util.Comparator.comparingLong(HistoryItem::seq));
        }
        return new Outcome.Applied(item, revealed, List.copyOf(alarms));
    }

    /**
     * A verified, chained message as we show it. One that does not decrypt (sealed under
     * another key, or by a member who lost theirs) is shown as such with an alarm, and the
     * channel goes on: rule 8 failing is the author's fault, not the server's, and must not
     * let one member stop the channel for everyone.
     */
    private HistoryItem read(Comms c, IdentityKeys me, List<Alarm> alarms) {
        long seq = c.stamp().channelSeq();
        Instant at = Instant.ofEpochMilli(c.stamp().timestamp());
        boolean mine = c.userID().equals(me.name());
        if (key == null) {
            if (!keylessReported) {
                keylessReported = true;
                alarms.add(new Alarm(name, seq, Alarm.Kind.UNDECRYPTABLE, "we hold no key for channel " + name
                        + ": its messages cannot be read"));
            }
            return new HistoryItem.Text(seq, at, c.userID(), UNREADABLE, mine);
        }
        try {
            return new HistoryItem.Text(seq, at, c.userID(), ChannelCrypto.openText(key, c), mine);
        } catch (CryptoException e) {
            alarms.add(new Alarm(name, seq, Alarm.Kind.UNDECRYPTABLE, "entry #" + seq + " from " + c.userID()
                    + " does not decrypt: " + e.getMessage()));
            return new HistoryItem.Text(seq, at, c.userID(), UNREADABLE, mine);
        }
    }

    /** Reads the messages that waited for our key, oldest first. */
    private List<HistoryItem> reveal(IdentityKeys me, List<Alarm> alarms) {
        List<HistoryItem> out = new ArrayList<>(awaitingKey.size());
        for (Comms c : awaitingKey) {
            out.add(read(c, me, alarms));
        }
        awaitingKey.clear();
        return out;
    }

    /**
     * The channelSeq at which our command {@code unstamped} (the signed entry as we sent it)
     * was accepted, or -1 if this channel holds no such entry of ours.
     */
    long acceptedAt(long userSeq, byte[] unstamped) {
        OwnEntry e = own.get(userSeq);
        return e != null && Arrays.equals(e.unstampedHash(), Sha256.hash(unstamped)) ? e.seq() : -1;
    }

    static byte[] unstampedHash(Message entry) {
        return Sha256.hash(unstamped(entry));
    }

    /** The entry as its author signed and sent it: canonical, without the server's stamp. */
    static byte[] unstamped(Message entry) {
        Message bare = switch (entry) {
            case AddUser a -> a.withStamp(null);
            case Comms c -> c.withStamp(null);
            default -> throw new IllegalArgumentException(entry.type());
        };
        return Jcs.canonical(MessageCodec.toJson(bare));
    }

    /** What a message that cannot be decrypted shows as; the alarm says why. */
    static final String UNREADABLE = "[this message could not be decrypted]";

    /** Rules 3a and 4: a message is never a channel's first entry, and only members post. */
    private Outcome checkComms(Comms c, long seq) {
        if (seq == 1) {
            return reject(seq, Alarm.Kind.BAD_CREATE, "the channel's first entry is a message, not a creation");
        }
        if (!members.contains(c.userID())) {
            return reject(seq, Alarm.Kind.NOT_MEMBER, c.userID() + " posted entry #" + seq + " without being a member");
        }
        return null;
    }

    /** Rules 3a and 3b: a creation only at #1, an invitation by a member of someone new from the directory. */
    private Outcome checkAddUser(AddUser a, long seq, Directory directory) {
        if (a.isCreate()) {
            if (seq != 1) {
                return reject(seq, Alarm.Kind.BAD_CREATE, a.inviter() + " 'created' the channel again at entry #" + seq);
            }
            return null;
        }
        if (seq == 1) {
            return reject(seq, Alarm.Kind.BAD_CREATE, "the channel's first entry is an invitation, not a creation");
        }
        if (!members.contains(a.inviter())) {
            return reject(seq, Alarm.Kind.NOT_MEMBER, a.inviter() + " invited " + a.invitee() + " at entry #" + seq
                    + " without being a member");
        }
        if (members.contains(a.invitee())) {
            return reject(seq, Alarm.Kind.BAD_INVITE, a.invitee() + " was invited again at entry #" + seq);
        }
        if (directory.user(a.invitee()).isEmpty()) {
            return reject(seq, Alarm.Kind.BAD_INVITE, "entry #" + seq + " invites " + a.invitee()
                    + ", who is not in the directory");
        }
        return null;
    }

    private void pushHead(byte[] head) {
        int at = (int) ((lastSeq + 1) * 32);
        if (at + 32 > heads.length) {
            heads = Arrays.copyOf(heads, heads.length * 2);
        }
        System.arraycopy(head, 0, heads, at, 32);
    }

    private Outcome reject(long seq, Alarm.Kind kind, String detail) {
        if (seq == lastSeq + 1) {
            reportedAt = seq;
        }
        return new Outcome.Rejected(new Alarm(name, seq, kind, detail));
    }

    static long seqOf(Message entry) {
        return switch (entry) {
            case AddUser a -> a.stamp().channelSeq();
            case Comms c -> c.stamp().channelSeq();
            default -> throw new IllegalArgumentException(entry.type() + " is not a channel entry");
        };
    }
}
