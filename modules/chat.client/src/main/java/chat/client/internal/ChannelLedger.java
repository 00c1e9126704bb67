package chat.client.internal;

import chat.client.Alarm;
import chat.client.HistoryItem;
import chat.crypto.CryptoException;
import chat.crypto.Sha256;
import chat.protocol.AddUser;
import chat.protocol.ChainHash;
import chat.protocol.ChannelCrypto;
import chat.protocol.ChannelEntry;
import chat.protocol.Comms;
import chat.protocol.Entries;
import chat.protocol.MemberChange;
import chat.protocol.Rotate;
import chat.protocol.View;
import chat.protocol.identity.Directory;
import chat.protocol.identity.DirectoryLog;
import chat.protocol.identity.IdentityKeys;
import chat.protocol.identity.Principal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One channel as this device has verified it: members and admins, the key epochs and the
 * keys we hold, every chain head, each author's last userSeq, the history. {@link #apply}
 * checks a delivered entry against all of it (docs/protocol.md, "Client verification
 * rules", in the order given there, so an entry breaking several rules is named by the
 * first) and either applies it or names what is wrong; nothing is applied half-way.
 */
final class ChannelLedger {

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
    /** Current members, in join order, with the channelSeq of the addUser that made them members. */
    private final Map<String, Long> members = new LinkedHashMap<>();
    /** Current admins, in the order they became admins (the creator first). */
    private final Set<String> admins = new LinkedHashSet<>();
    private long epoch;
    /** The departure that the next rotate must answer, or null: the seq and time it was accepted. */
    private Departure pendingRotation;
    /** Epoch keys we hold and each epoch's commitment, as fixed by the create or the rotate that started it. */
    private final Map<Long, byte[]> keys = new HashMap<>();
    private final Map<Long, byte[]> commitments = new HashMap<>();
    private final Map<Long, Rotate> rotations = new HashMap<>();
    /** Messages in the current epoch, and when it started (server time), for automatic rotation. */
    private long epochMessages;
    private long epochStartedAt;
    /** Our own departure (we left or were removed), or null while we are a member or never were. */
    private Departure ownDeparture;

    /** A departure as the ledger remembers it: where, when, by whom. */
    record Departure(long seq, long timestamp, String member, String by) {
    }
    private final Map<String, Long> lastUserSeq = new HashMap<>();
    private final List<HistoryItem> history = new ArrayList<>();
    /** Directory versions named by members' messages read since the last {@link #drainClaims}. */
    private final List<Claim> claims = new ArrayList<>();

    /** A member's message named directory version {@code claim}: compared with our log by the client. */
    record Claim(String channel, long seq, String author, chat.protocol.DirectoryClaim claim, long seenAt) {
    }

    List<Claim> drainClaims() {
        if (claims.isEmpty()) {
            return List.of();
        }
        List<Claim> out = List.copyOf(claims);
        claims.clear();
        return out;
    }
    private byte[] heads = new byte[32 * 16];
    private long lastSeq;
    private long lastTimestamp;
    /** Messages chained before we held their epoch's key, waiting for the key our invitation brings (rule 8). */
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

    /** The key of the current epoch, or null if we hold none. */
    byte[] key() {
        return keys.get(epoch);
    }

    long epoch() {
        return epoch;
    }

    boolean rotationPending() {
        return pendingRotation != null;
    }

    Departure pendingDeparture() {
        return pendingRotation;
    }

    Departure ownDeparture() {
        return ownDeparture;
    }

    long epochMessages() {
        return epochMessages;
    }

    long epochStartedAt() {
        return epochStartedAt;
    }

    boolean isAdmin(String user) {
        return admins.contains(user);
    }

    List<String> admins() {
        return List.copyOf(admins);
    }

    /** Current members and their agreement keys, for a rotation; null if one has left the directory. */
    Map<String, chat.crypto.AgreementPublicKey> memberKeys(Directory directory) {
        // the current directory: a member whose key was revoked gets no new key (they are removed first)
        Map<String, chat.crypto.AgreementPublicKey> out = new LinkedHashMap<>();
        for (String m : members.keySet()) {
            Principal p = directory.user(m).orElse(null);
            if (p == null) {
                return null;
            }
            out.put(m, p.agreementKey());
        }
        return out;
    }

    /**
     * Who rotates at once after the pending departure (docs/protocol.md, "Who rotates"): the
     * admin who removed, or after a leave the first admin; null if no rotation is pending.
     */
    String designatedRotator() {
        if (pendingRotation == null) {
            return null;
        }
        if (!pendingRotation.by().equals(pendingRotation.member()) && members.containsKey(pendingRotation.by())) {
            return pendingRotation.by();
        }
        return admins.isEmpty() ? null : admins.iterator().next();
    }

    /**
     * True when the entry right after what we hold was reported already, missing or
     * rejected: what arrives beyond it cannot be applied and is not reported again.
     */
    boolean problemReported() {
        return reportedAt == lastSeq + 1;
    }

    boolean isMember(String user) {
        return members.containsKey(user);
    }

    List<String> members() {
        return List.copyOf(members.keySet());
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
    Outcome apply(ChannelEntry entry, byte[] canonical, DirectoryLog directory, IdentityKeys me, boolean trusted) {
        long seq = entry.stamp().channelSeq();
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
        String author = entry.author();
        // Every key the author ever had: entries signed before a revocation or a key change stay verifiable.
        List<Principal> authorKeys = directory.keysOf(author);
        if (authorKeys.isEmpty()) {
            return reject(seq, Alarm.Kind.BAD_SIGNATURE, "author " + author + " is not in the directory");
        }
        if (!trusted && authorKeys.stream().noneMatch(k -> Entries.verify(entry, k.signingKey()))) {
            return reject(seq, Alarm.Kind.BAD_SIGNATURE, "the signature of " + author + " on entry #" + seq
                    + " does not verify");
        }
        // rules 3 and 4: who may author the entry, then its epoch, then what its kind allows
        Outcome membership = switch (entry) {
            case AddUser a -> checkAddUser(a, seq, directory);
            case Comms c -> checkComms(c, seq);
            case MemberChange m -> checkMemberChange(m, seq, directory);
            case Rotate r -> checkRotate(r, seq);
        };
        if (membership != null) {
            return membership;
        }
        if (pendingRotation != null && (entry instanceof Comms || entry instanceof AddUser)) {
            return reject(seq, Alarm.Kind.STALE_KEY, author + "'s entry #" + seq + " uses the key of epoch " + epoch
                    + ", which " + pendingRotation.member() + " still holds after leaving at #" + pendingRotation.seq()
                    + ": the server must refuse it until a rotation");
        }
        long userSeq = entry.userSeq();
        Long previous = lastUserSeq.get(author);
        if (previous != null && userSeq <= previous) {
            return reject(seq, Alarm.Kind.REPLAYED, author + "'s userSeq went from " + previous + " to " + userSeq
                    + " at entry #" + seq);
        }
        View view = entry.view();
        if (view.seq() >= seq || !Arrays.equals(view.head(), head(view.seq()))) {
            return reject(seq, Alarm.Kind.FORK, author + " signed entry #" + seq + " having seen entry #" + view.seq()
                    + " with a chain head different from ours: the server showed us different histories");
        }
        long timestamp = entry.stamp().timestamp();
        if (timestamp < lastTimestamp) {
            return reject(seq, Alarm.Kind.TIMESTAMP, "entry #" + seq + " is stamped before entry #" + lastSeq);
        }
        Instant at = Instant.ofEpochMilli(timestamp);
        HistoryItem item;
        List<HistoryItem> revealed = List.of();
        List<Alarm> alarms = new ArrayList<>();
        switch (entry) {
            case AddUser a -> {
                if (a.isCreate()) {
                    commitments.put(0L, a.keyCommitment());
                    admins.add(a.inviter());
                    epochStartedAt = timestamp;
                } else if (!Arrays.equals(a.keyCommitment(), commitments.get(a.epoch()))) {
                    alarms.add(new Alarm(name, seq, Alarm.Kind.BAD_KEY, a.inviter() + " invited " + a.invitee()
                            + " at entry #" + seq + " naming a key that is not the one of epoch " + a.epoch()));
                }
                members.put(a.invitee(), seq);
                if (a.invitee().equals(me.name())) {
                    ownDeparture = null;
                    byte[] unwrapped = null;
                    try {
                        unwrapped = ChannelCrypto.unwrapKey(a, me.agreement());
                    } catch (CryptoException e) {
                        alarms.add(new Alarm(name, seq, Alarm.Kind.UNDECRYPTABLE, "the channel key " + a.inviter()
                                + " wrapped for us in entry #" + seq + " does not open: " + e.getMessage()));
                    }
                    if (unwrapped != null && !Arrays.equals(ChannelCrypto.commitment(name, a.epoch(), unwrapped),
                            commitments.get(a.epoch()))) {
                        alarms.add(new Alarm(name, seq, Alarm.Kind.BAD_KEY, a.inviter() + " handed us, at entry #" + seq
                                + ", a key that is not the channel's key of epoch " + a.epoch()));
                        unwrapped = null;
                    }
                    if (unwrapped != null) {
                        learnKey(a.epoch(), unwrapped, alarms);
                    } else {
                        keylessReported = true;
                    }
                    revealed = reveal(me, alarms);
                }
                item = new HistoryItem.Joined(seq, at, a.inviter(), a.invitee());
            }
            case Comms c -> {
                epochMessages++;
                if (!keys.containsKey(c.epoch()) && !members.containsKey(me.name()) && !keylessReported) {
                    // Sent before we joined: verified and chained now, read once our invitation brings the key.
                    awaitingKey.add(c);
                    item = null;
                } else {
                    item = read(c, me, alarms);
                }
            }
            case MemberChange m -> {
                HistoryItem.Change change = switch (m.change()) {
                    case LEAVE -> HistoryItem.Change.LEFT;
                    case REMOVE -> HistoryItem.Change.REMOVED;
                    case ADMIN -> HistoryItem.Change.ADMIN;
                };
                if (m.isDeparture()) {
                    members.remove(m.subject());
                    admins.remove(m.subject());
                    Departure d = new Departure(seq, timestamp, m.subject(), m.userID());
                    if (!members.isEmpty()) {
                        pendingRotation = d;
                        if (admins.isEmpty()) {
                            admins.add(members.keySet().iterator().next()); // succession: the earliest to join
                        }
                    }
                    if (m.subject().equals(me.name())) {
                        ownDeparture = d;
                    }
                } else {
                    admins.add(m.subject());
                }
                item = new HistoryItem.MemberChanged(seq, at, m.userID(), m.subject(), change);
            }
            case Rotate r -> {
                epoch = r.epoch();
                pendingRotation = null;
                epochMessages = 0;
                epochStartedAt = timestamp;
                commitments.put(r.epoch(), r.keyCommitment());
                rotations.put(r.epoch(), r);
                if (r.keys().containsKey(me.name())) {
                    try {
                        byte[] fresh = ChannelCrypto.unwrapKey(r, me.name(), me.agreement());
                        if (Arrays.equals(ChannelCrypto.commitment(name, r.epoch(), fresh), r.keyCommitment())) {
                            learnKey(r.epoch(), fresh, alarms);
                        } else {
                            alarms.add(new Alarm(name, seq, Alarm.Kind.BAD_KEY, r.userID() + " rotated at entry #" + seq
                                    + " handing us a key that does not match the commitment everyone else sees"));
                        }
                    } catch (CryptoException e) {
                        alarms.add(new Alarm(name, seq, Alarm.Kind.BAD_KEY, "the key " + r.userID()
                                + " wrapped for us in the rotation at entry #" + seq + " does not open: " + e.getMessage()));
                    }
                }
                item = new HistoryItem.Rotated(seq, at, r.userID(), r.epoch());
            }
        }
        lastUserSeq.put(author, userSeq);
        if (author.equals(me.name())) {
            own.put(userSeq, new OwnEntry(seq, Sha256.hash(unstamped(entry))));
        }
        lastTimestamp = timestamp;
        pushHead(ChainHash.next(head(lastSeq), canonical));
        lastSeq = seq;
        if (item != null) {
            history.add(item);
        }
        if (!revealed.isEmpty()) {
            history.addAll(revealed);
            history.sort(Comparator.comparingLong(HistoryItem::seq));
        }
        return new Outcome.Applied(item, revealed, List.copyOf(alarms));
    }

    /**
     * Holds {@code key} as the key of {@code keyEpoch} and walks back the rotations'
     * previous-key chain to every earlier epoch we do not hold yet, checking each key
     * against its epoch's commitment; a wrong link is the fault of that rotation's author.
     */
    private void learnKey(long keyEpoch, byte[] key, List<Alarm> alarms) {
        keys.put(keyEpoch, key);
        for (long e = keyEpoch; e > 0 && !keys.containsKey(e - 1); e--) {
            Rotate r = rotations.get(e);
            byte[] previous;
            try {
                previous = r == null ? null : ChannelCrypto.openPrevious(keys.get(e), r);
            } catch (CryptoException ex) {
                previous = null;
            }
            if (previous == null || !Arrays.equals(ChannelCrypto.commitment(name, e - 1, previous), commitments.get(e - 1))) {
                alarms.add(new Alarm(name, r == null ? 0 : r.stamp().channelSeq(), Alarm.Kind.BAD_KEY,
                        (r == null ? "nobody" : r.userID()) + " sealed a wrong key of epoch " + (e - 1)
                                + " in the rotation to epoch " + e + ": messages of that epoch stay unreadable"));
                return;
            }
            keys.put(e - 1, previous);
        }
    }

    /**
     * A verified, chained message as we show it. One that does not decrypt (sealed under
     * another key, or by a member who lost theirs) is shown as such with an alarm naming
     * its sender, and the channel goes on: rule 8 failing is the author's fault, not the
     * server's, and must not let one member stop the channel for everyone. Every key we
     * hold matches its epoch's commitment, so a message that does not open under it was
     * sealed wrongly by its sender.
     */
    private HistoryItem read(Comms c, IdentityKeys me, List<Alarm> alarms) {
        long seq = c.stamp().channelSeq();
        Instant at = Instant.ofEpochMilli(c.stamp().timestamp());
        boolean mine = c.userID().equals(me.name());
        byte[] key = keys.get(c.epoch());
        if (key == null) {
            if (!keylessReported) {
                keylessReported = true;
                alarms.add(new Alarm(name, seq, Alarm.Kind.UNDECRYPTABLE, "we hold no key of epoch " + c.epoch()
                        + " for channel " + name + ": its messages cannot be read"));
            }
            return new HistoryItem.Text(seq, at, c.userID(), UNREADABLE, mine);
        }
        try {
            ChannelCrypto.Opened opened = ChannelCrypto.open(key, c);
            if (!mine && opened.directory() != null) {
                claims.add(new Claim(name, seq, c.userID(), opened.directory(), System.currentTimeMillis()));
            }
            return new HistoryItem.Text(seq, at, c.userID(), opened.text(), mine);
        } catch (CryptoException e) {
            alarms.add(new Alarm(name, seq, Alarm.Kind.UNDECRYPTABLE, "entry #" + seq + " from " + c.userID()
                    + " does not decrypt with the channel's key of epoch " + c.epoch() + ": " + c.userID()
                    + " sealed it wrongly (" + e.getMessage() + ")"));
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

    /** The entry as its author signed and sent it: canonical, without the server's stamp. */
    static byte[] unstamped(ChannelEntry entry) {
        return chat.protocol.json.Jcs.canonical(chat.protocol.MessageCodec.toJson(entry.unstamped()));
    }

    /** What a message that cannot be decrypted shows as; the alarm says why. */
    static final String UNREADABLE = "[this message could not be decrypted]";

    /** Rule 4, the epoch: the current one, or for a rotate the next. */
    private Outcome checkEpoch(ChannelEntry entry, long seq) {
        boolean rotate = entry instanceof Rotate;
        if (entry.epoch() != (rotate ? epoch + 1 : epoch)) {
            return reject(seq, Alarm.Kind.WRONG_EPOCH, "entry #" + seq + " uses key epoch " + entry.epoch()
                    + " where the channel is at epoch " + epoch + (rotate ? " (a rotation names the next)" : ""));
        }
        return null;
    }

    /** Rules 3a and 4: a message is never a channel's first entry, and only members post. */
    private Outcome checkComms(Comms c, long seq) {
        if (seq == 1) {
            return reject(seq, Alarm.Kind.BAD_CREATE, "the channel's first entry is a message, not a creation");
        }
        if (!members.containsKey(c.userID())) {
            return reject(seq, Alarm.Kind.NOT_MEMBER, c.userID() + " posted entry #" + seq + " without being a member");
        }
        return checkEpoch(c, seq);
    }

    /** Rules 3a and 4a: who may leave, remove, make admins. */
    private Outcome checkMemberChange(MemberChange m, long seq, DirectoryLog directory) {
        if (seq == 1) {
            return reject(seq, Alarm.Kind.BAD_CREATE, "the channel's first entry is a member change, not a creation");
        }
        if (!members.containsKey(m.userID())) {
            return reject(seq, Alarm.Kind.NOT_MEMBER, m.userID() + " signed the " + m.change().wireName() + " at entry #"
                    + seq + " without being a member");
        }
        Outcome wrongEpoch = checkEpoch(m, seq); // rule 4 before rule 4a
        if (wrongEpoch != null || m.change() == MemberChange.Change.LEAVE) {
            return wrongEpoch;
        }
        // any member may remove a member whose key the admin revoked (docs/protocol.md, "The directory log")
        boolean revokedSubject = m.change() == MemberChange.Change.REMOVE && directory.revocation(m.subject()).isPresent();
        if (!admins.contains(m.userID()) && !revokedSubject) {
            return reject(seq, Alarm.Kind.NOT_ADMIN, m.userID() + " signed the " + m.change().wireName() + " of "
                    + m.subject() + " at entry #" + seq + " without being an admin");
        }
        if (!members.containsKey(m.subject())) {
            return reject(seq, Alarm.Kind.BAD_MEMBER_CHANGE, "entry #" + seq + ": " + m.subject() + " is not a member");
        }
        if (m.change() == MemberChange.Change.ADMIN && admins.contains(m.subject())) {
            return reject(seq, Alarm.Kind.BAD_MEMBER_CHANGE, "entry #" + seq + ": " + m.subject() + " is an admin already");
        }
        return null;
    }

    /** Rules 3a and 4c: a member rotates, to exactly the members. */
    private Outcome checkRotate(Rotate r, long seq) {
        if (seq == 1) {
            return reject(seq, Alarm.Kind.BAD_CREATE, "the channel's first entry is a rotation, not a creation");
        }
        if (!members.containsKey(r.userID())) {
            return reject(seq, Alarm.Kind.NOT_MEMBER, r.userID() + " rotated the key at entry #" + seq
                    + " without being a member");
        }
        Outcome wrongEpoch = checkEpoch(r, seq); // rule 4 before rule 4c
        if (wrongEpoch != null) {
            return wrongEpoch;
        }
        if (!r.keys().keySet().equals(members.keySet())) {
            return reject(seq, Alarm.Kind.BAD_ROTATION, r.userID() + "'s rotation at entry #" + seq + " wraps the key to "
                    + r.keys().keySet() + ", but the members are " + members.keySet());
        }
        return null;
    }

    /** Rules 3a and 3b: a creation only at #1, an invitation by a member of someone new from the directory. */
    private Outcome checkAddUser(AddUser a, long seq, DirectoryLog directory) {
        if (a.isCreate()) {
            if (seq != 1) {
                return reject(seq, Alarm.Kind.BAD_CREATE, a.inviter() + " 'created' the channel again at entry #" + seq);
            }
            return checkEpoch(a, seq);
        }
        if (seq == 1) {
            return reject(seq, Alarm.Kind.BAD_CREATE, "the channel's first entry is an invitation, not a creation");
        }
        if (!members.containsKey(a.inviter())) {
            return reject(seq, Alarm.Kind.NOT_MEMBER, a.inviter() + " invited " + a.invitee() + " at entry #" + seq
                    + " without being a member");
        }
        if (members.containsKey(a.invitee())) {
            return reject(seq, Alarm.Kind.BAD_INVITE, a.invitee() + " was invited again at entry #" + seq);
        }
        if (directory.keysOf(a.invitee()).isEmpty()) {
            return reject(seq, Alarm.Kind.BAD_INVITE, "entry #" + seq + " invites " + a.invitee()
                    + ", who is not in the directory");
        }
        return checkEpoch(a, seq);
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
}
