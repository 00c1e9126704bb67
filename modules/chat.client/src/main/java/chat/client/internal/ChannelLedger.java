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
    /** What to show, while the channel lives in memory only; once stored, history is read from {@link #archive}. */
    private final List<HistoryItem> history = new ArrayList<>();
    /** Where a stored channel keeps its entries and heads (null while it lives in memory only). */
    private Archive archive;
    /** This user's name, to tell our own messages apart when history is read back. */
    private String self;
    /** Messages of others after {@link #readUpTo}: counted as they apply, so no history is scanned for it. */
    private int unread;
    /** Members' messages naming a directory version newer than ours when read: checked again after a restart. */
    private final List<Claim> openClaims = new ArrayList<>();
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
    private Heads heads;
    /** head(lastSeq), kept apart so the newest head never costs a read. */
    private byte[] lastHead;
    /** The directory version the last entry was applied against (to tell which claims are still open). */
    private long directoryNumber;
    private long lastSeq;
    private long lastTimestamp;
    /** Messages chained before we held their epoch's key, waiting for the key our invitation brings (rule 8). */
    private final List<Comms> awaitingKey = new ArrayList<>();
    private boolean keylessReported;
    /**
     * Our newest own entries: userSeq -> (channelSeq, SHA-256 of the unstamped entry), to
     * recognise a command already accepted. A queued command is acknowledged when its entry
     * applies, and the outbox is made durable before each snapshot, so after a restart only
     * entries applied since the last snapshot (re-applied from the log at start) can answer a
     * command still queued. {@value #OWN_KEPT} are kept, twice the entries between two
     * snapshots, so that every one of those is here: a kill loses the acknowledgements still
     * in the outbox's buffer (up to 64 KiB, about 1,400), and with only the newest 1,024
     * kept, the oldest of those commands were signed and sent a second time at the restart
     * ({@code ClientE2ETest#aBotKilledWhileItsOutboxIsRewrittenOften...}).
     */
    private final Map<Long, OwnEntry> own = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, OwnEntry> eldest) {
            return size() > OWN_KEPT;
        }
    };
    static final int OWN_KEPT = 2 * LocalState.SNAPSHOT_EVERY;

    record OwnEntry(long seq, byte[] unstampedHash) {
    }
    /** The seq after which the chain is broken and has been reported (a gap or a rejected entry), else -1. */
    private long reportedAt = -1;
    long readUpTo;

    ChannelLedger(String name) {
        this.name = name;
        this.heads = new MemoryHeads(ChainHash.genesis(name));
        this.lastHead = ChainHash.genesis(name);
    }

    /** Chain heads by seq: {@code get(0)} is the genesis, {@code get(lastSeq)} the newest. */
    interface Heads {
        byte[] get(long seq);

        /** head({@code seq}) of the entry just applied, {@code seq} = the previous newest + 1. */
        void put(long seq, byte[] head);
    }

    /** A stored channel's entries and heads on disk: {@link ChannelArchive}. */
    interface Archive extends Heads {
        /** The canonical bytes of entry {@code seq} as stored, or null if they cannot be read (damaged). */
        byte[] entry(long seq);
    }

    /** Every head in one array: for a channel kept in memory only. */
    private static final class MemoryHeads implements Heads {
        private byte[] heads = new byte[32 * 16];

        MemoryHeads(byte[] genesis) {
            System.arraycopy(genesis, 0, heads, 0, 32);
        }

        @Override
        public byte[] get(long seq) {
            return Arrays.copyOfRange(heads, (int) (seq * 32), (int) (seq * 32 + 32));
        }

        @Override
        public void put(long seq, byte[] head) {
            int at = (int) (seq * 32);
            if (at + 32 > heads.length) {
                heads = Arrays.copyOf(heads, heads.length * 2);
            }
            System.arraycopy(head, 0, heads, at, 32);
        }
    }

    /**
     * From now on the channel's entries and heads live in {@code stored} (which holds them
     * up to {@link #lastSeq} already, or gets them as they are recorded): history is read
     * back from it and nothing of it is kept in memory.
     */
    void attach(Archive stored, String me) {
        this.archive = stored;
        this.heads = stored;
        this.self = me;
        history.clear();
    }

    Archive archive() {
        return archive;
    }

    long lastSeq() {
        return lastSeq;
    }

    byte[] head(long seq) {
        return seq == lastSeq ? lastHead.clone() : heads.get(seq);
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
        return history(0);
    }

    /**
     * The newest {@code limit} items (all if limit <= 0), oldest first. A stored channel
     * reads them from disk, newest first, decrypting only what it returns; an entry that
     * cannot be read back (damaged on disk after it was verified) is left out and logged.
     */
    List<HistoryItem> history(int limit) {
        return history(limit, Long.MAX_VALUE);
    }

    /** As {@link #history(int)}, among the entries before {@code beforeSeq}. */
    List<HistoryItem> history(int limit, long beforeSeq) {
        if (archive == null) {
            List<HistoryItem> older = history.stream().filter(i -> i.seq() < beforeSeq).toList();
            return limit <= 0 || limit >= older.size() ? older : older.subList(older.size() - limit, older.size());
        }
        java.util.ArrayDeque<HistoryItem> out = new java.util.ArrayDeque<>();
        chat.protocol.MessageCodec codec = new chat.protocol.MessageCodec();
        for (long seq = Math.min(lastSeq, beforeSeq - 1); seq >= 1 && (limit <= 0 || out.size() < limit); seq--) {
            byte[] bytes = archive.entry(seq);
            ChannelEntry entry = null;
            try {
                chat.protocol.Message m = bytes == null ? null : codec.decode(bytes);
                if (m instanceof chat.protocol.Expired x) {
                    // The run's entries all hold the same placeholder: shown once, and the rest skipped unread.
                    out.addFirst(new HistoryItem.Expired(x.fromSeq(), seq, Instant.ofEpochMilli(x.timestamp())));
                    seq = Math.max(x.fromSeq(), 1);
                    continue;
                }
                entry = m instanceof ChannelEntry e ? e : null;
            } catch (chat.protocol.ProtocolException e) {
                entry = null;
            }
            if (entry == null) {
                LOG.log(System.Logger.Level.WARNING, "entry #{0} of {1} cannot be read back from this device''s state",
                        seq, name);
                continue;
            }
            HistoryItem item = itemOf(entry);
            if (item != null) {
                out.addFirst(item);
            }
        }
        return List.copyOf(out);
    }

    private static final System.Logger LOG = System.getLogger("chat.client");

    /** What a stored entry shows as, as {@link #apply} showed it (null for a message still waiting for our key). */
    private HistoryItem itemOf(ChannelEntry entry) {
        long seq = entry.stamp().channelSeq();
        Instant at = Instant.ofEpochMilli(entry.stamp().timestamp());
        return switch (entry) {
            case AddUser a -> new HistoryItem.Joined(seq, at, a.inviter(), a.invitee());
            case MemberChange m -> new HistoryItem.MemberChanged(seq, at, m.userID(), m.subject(), switch (m.change()) {
                case LEAVE -> HistoryItem.Change.LEFT;
                case REMOVE -> HistoryItem.Change.REMOVED;
                case ADMIN -> HistoryItem.Change.ADMIN;
            });
            case Rotate r -> new HistoryItem.Rotated(seq, at, r.userID(), r.epoch());
            case Comms c -> {
                for (Comms waiting : awaitingKey) {
                    if (waiting.stamp().channelSeq() == seq) {
                        yield null;
                    }
                }
                boolean mine = c.userID().equals(self);
                byte[] key = keys.get(c.epoch());
                String text = UNREADABLE;
                if (key != null) {
                    try {
                        text = ChannelCrypto.open(key, c).text();
                    } catch (CryptoException e) {
                        text = UNREADABLE; // its alarm was raised when it applied
                    }
                }
                yield new HistoryItem.Text(seq, at, c.userID(), text, mine);
            }
        };
    }

    int unread(String me) {
        return unread;
    }

    /** Everything up to {@code seq}, the newest entry, is read. */
    void markRead(long seq) {
        readUpTo = seq;
        unread = 0;
    }

    /** Counts {@code item} as unread if it is a message of someone else after what was read. */
    private void count(HistoryItem item) {
        if (item instanceof HistoryItem.Text t && !t.mine() && t.seq() > readUpTo) {
            unread++;
        }
    }

    /**
     * Verifies and applies entry {@code canonical} (the delivered bytes, RFC 8785 form of
     * {@code entry}). With {@code trusted} (our own sealed local state, already verified
     * once) signatures are not checked again; everything else is, so the state is rebuilt
     * exactly.
     */
    Outcome apply(ChannelEntry entry, byte[] canonical, DirectoryLog directory, IdentityKeys me, boolean trusted) {
        return apply(entry, canonical, directory, me, trusted ? Verified.TRUSTED : null);
    }

    /**
     * How the signature of an entry was checked before {@link #apply}: {@link #TRUSTED} for
     * our own sealed state (checked when it was first delivered), or by {@code key} (the
     * signing key, raw bytes) on another thread. Apply still checks that this key is one of
     * the author's in the directory it applies against, and checks itself otherwise.
     * {@code ownText}: the entry is byte for byte a message this device signed, whose text
     * this is; it is not decrypted again.
     */
    record Verified(chat.crypto.SigningPublicKey key, String ownText) {
        static final Verified TRUSTED = new Verified(null);

        Verified(chat.crypto.SigningPublicKey key) {
            this(key, null);
        }
    }

    Outcome apply(ChannelEntry entry, byte[] canonical, DirectoryLog directory, IdentityKeys me, Verified verified) {
        boolean trusted = verified == Verified.TRUSTED;
        long seq = entry.stamp().channelSeq();
        if (seq <= lastSeq) {
            if (unknown(head(seq - 1)) || unknown(head(seq))) {
                return reject(seq, Alarm.Kind.REWRITTEN, "entry #" + seq + " arrived after the server said it had"
                        + " expired");
            }
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
        directoryNumber = directory.number();
        String author = entry.author();
        // Every key the author ever had: entries signed before a revocation or a key change stay verifiable.
        List<Principal> authorKeys = directory.keysOf(author);
        if (authorKeys.isEmpty()) {
            return reject(seq, Alarm.Kind.BAD_SIGNATURE, "author " + author + " is not in the directory");
        }
        if (!trusted && !(verified != null && authorKeys.stream().anyMatch(k -> k.signingKey().equals(verified.key())))
                && authorKeys.stream().noneMatch(k -> Entries.verify(entry, k.signingKey()))) {
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
        byte[] viewed = view.seq() < seq ? head(view.seq()) : null;
        // A view inside an expired run we never held cannot be checked: accepted (rule 6, protocol.md "Retention").
        if (viewed == null || (!unknown(viewed) && !Arrays.equals(view.head(), viewed))) {
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
                    item = read(c, me, alarms, verified == null ? null : verified.ownText());
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
        byte[] head = ChainHash.next(head(lastSeq), canonical);
        heads.put(seq, head);
        lastHead = head;
        lastSeq = seq;
        self = me.name();
        if (item != null) {
            count(item);
        }
        revealed.forEach(this::count);
        if (archive == null) {
            if (item != null) {
                history.add(item);
            }
            if (!revealed.isEmpty()) {
                history.addAll(revealed);
                history.sort(Comparator.comparingLong(HistoryItem::seq));
            }
        }
        return new Outcome.Applied(item, revealed, List.copyOf(alarms));
    }

    /** What {@link Heads} hold for the entries of an expired run before its last one: no head is known. */
    static final byte[] UNKNOWN_HEAD = new byte[32];

    /** Whether {@code head} is the mark of an entry inside an expired run, whose head this device never had. */
    static boolean unknown(byte[] head) {
        return Arrays.equals(head, UNKNOWN_HEAD);
    }

    /**
     * Checks an {@code expired} placeholder (protocol.md, "Retention"): null if its run
     * starts right after {@link #lastSeq} and may be applied ({@link #applyExpired}, once
     * per entry of the run); a duplicate if this device holds entry {@code toSeq} with the
     * same head (or one it cannot know); otherwise the alarm: "rewritten history" for a head
     * that differs from ours or a run over entries we hold, "gap" for a run after missing
     * entries, "bad create" before the channel's creation, "timestamp" for one stamped
     * before our newest entry.
     */
    Outcome checkExpired(chat.protocol.Expired x) {
        long from = x.fromSeq();
        long to = x.toSeq();
        if (lastSeq == 0) {
            return reject(1, Alarm.Kind.BAD_CREATE, "the server began the channel with expired entries #" + from + ".."
                    + to + "; entry #1 must be its creation, which never expires");
        }
        if (to <= lastSeq) {
            byte[] ours = head(to);
            return unknown(ours) || Arrays.equals(ours, x.head()) ? new Outcome.Duplicate()
                    : reject(to, Alarm.Kind.REWRITTEN, "the server says entries #" + from + ".." + to + " expired,"
                    + " ending at a chain head different from the one this device verified for #" + to
                    + ": the server rewrote the history before its retention horizon");
        }
        if (from <= lastSeq) {
            return reject(from, Alarm.Kind.REWRITTEN, "the server says entries #" + from + ".." + to + " expired,"
                    + " but this device holds #" + from + ".." + lastSeq + " and no server replays what a device holds");
        }
        if (from != lastSeq + 1) {
            if (problemReported()) {
                return new Outcome.Duplicate();
            }
            return reject(lastSeq + 1, Alarm.Kind.GAP, "expected entry #" + (lastSeq + 1) + ", the server sent"
                    + " expired entries #" + from + ".." + to + ": entries #" + (lastSeq + 1) + ".." + (from - 1)
                    + " are missing");
        }
        if (x.timestamp() < lastTimestamp) {
            return reject(from, Alarm.Kind.TIMESTAMP, "expired entries #" + from + ".." + to
                    + " are stamped before entry #" + lastSeq);
        }
        return null;
    }

    /**
     * Applies entry {@code lastSeq + 1} of an expired run that {@link #checkExpired} let
     * through (or that this device stored): its head is unknown, except the run's last
     * one, which is the server's head(toSeq); from there the chain is checked again.
     * Returns the item to show once the run's last entry is applied, else null.
     */
    HistoryItem applyExpired(chat.protocol.Expired x) {
        long seq = lastSeq + 1;
        if (seq < x.fromSeq() || seq > x.toSeq()) {
            throw new IllegalStateException("entry #" + seq + " is not in the expired run #" + x.fromSeq() + ".."
                    + x.toSeq());
        }
        boolean last = seq == x.toSeq();
        heads.put(seq, last ? x.head().clone() : UNKNOWN_HEAD);
        lastSeq = seq;
        if (!last) {
            return null;
        }
        lastHead = x.head().clone();
        lastTimestamp = x.timestamp();
        HistoryItem item = new HistoryItem.Expired(x.fromSeq(), seq, Instant.ofEpochMilli(x.timestamp()));
        if (archive == null) {
            history.add(item);
        }
        return item;
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
     * sealed wrongly by its sender. {@code ownText}: the text of our own message, known
     * without decrypting it (see {@link Verified}), or null.
     */
    private HistoryItem read(Comms c, IdentityKeys me, List<Alarm> alarms, String ownText) {
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
        if (mine && ownText != null) {
            return new HistoryItem.Text(seq, at, c.userID(), ownText, true);
        }
        try {
            ChannelCrypto.Opened opened = ChannelCrypto.open(key, c);
            if (!mine && opened.directory() != null) {
                Claim claim = new Claim(name, seq, c.userID(), opened.directory(), System.currentTimeMillis());
                claims.add(claim);
                if (directoryNumber < claim.claim().number()
                        && openClaims.stream().noneMatch(o -> o.claim().number() == claim.claim().number())) {
                    openClaims.add(claim);
                }
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
            out.add(read(c, me, alarms, null));
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


    /** Version of {@link #snapshot}'s layout. */
    private static final int SNAPSHOT_VERSION = 1;

    /**
     * Everything {@link #apply} needs to go on from {@link #lastSeq}, in a few kilobytes
     * whatever the length of the history: members, roles, epochs and keys, the rotations
     * that can still lead to an older key, each author's last userSeq, the newest head, the
     * messages still waiting for our key (by seq: they are read back from the archive), our
     * newest own entries, what was unread and the directory claims still open. Not in it:
     * the heads and entries (in the archive) and what only matters for one session (the
     * reported break, the claims to check now).
     */
    byte[] snapshot() {
        rotations.keySet().removeIf(e -> keys.containsKey(e - 1)); // never walked again
        openClaims.removeIf(c -> c.claim().number() <= directoryNumber);
        var bytes = new java.io.ByteArrayOutputStream(1024);
        try (var out = new java.io.DataOutputStream(bytes)) {
            out.writeInt(SNAPSHOT_VERSION);
            out.writeLong(lastSeq);
            out.write(lastHead);
            out.writeLong(lastTimestamp);
            out.writeLong(epoch);
            out.writeLong(epochMessages);
            out.writeLong(epochStartedAt);
            out.writeLong(directoryNumber);
            out.writeBoolean(keylessReported);
            out.writeLong(readUpTo);
            out.writeInt(unread);
            out.writeInt(members.size());
            for (Map.Entry<String, Long> m : members.entrySet()) {
                out.writeUTF(m.getKey());
                out.writeLong(m.getValue());
            }
            out.writeInt(admins.size());
            for (String a : admins) {
                out.writeUTF(a);
            }
            writeDeparture(out, pendingRotation);
            writeDeparture(out, ownDeparture);
            writeKeys(out, keys);
            writeKeys(out, commitments);
            out.writeInt(rotations.size());
            for (Rotate r : rotations.values()) {
                byte[] b = CODEC.encode(r);
                out.writeInt(b.length);
                out.write(b);
            }
            out.writeInt(lastUserSeq.size());
            for (Map.Entry<String, Long> u : lastUserSeq.entrySet()) {
                out.writeUTF(u.getKey());
                out.writeLong(u.getValue());
            }
            out.writeInt(own.size());
            for (Map.Entry<Long, OwnEntry> o : own.entrySet()) {
                out.writeLong(o.getKey());
                out.writeLong(o.getValue().seq());
                out.write(o.getValue().unstampedHash());
            }
            out.writeInt(awaitingKey.size());
            for (Comms c : awaitingKey) {
                out.writeLong(c.stamp().channelSeq());
            }
            out.writeInt(openClaims.size());
            for (Claim c : openClaims) {
                out.writeLong(c.seq());
                out.writeUTF(c.author());
                out.writeLong(c.claim().number());
                out.write(c.claim().head());
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e); // in memory: cannot happen
        }
        return bytes.toByteArray();
    }

    /**
     * The ledger {@link #snapshot} saved, going on with {@code stored} as its archive (which
     * must hold its entries up to the snapshot's lastSeq). Throws on anything malformed: the
     * caller then rebuilds the ledger from the log.
     */
    static ChannelLedger restore(String name, byte[] snapshot, Archive stored, String me) throws java.io.IOException {
        ChannelLedger l = new ChannelLedger(name);
        try (var in = new java.io.DataInputStream(new java.io.ByteArrayInputStream(snapshot))) {
            if (in.readInt() != SNAPSHOT_VERSION) {
                throw new java.io.IOException("snapshot of " + name + ": unknown version");
            }
            l.lastSeq = in.readLong();
            l.lastHead = in.readNBytes(32);
            l.lastTimestamp = in.readLong();
            l.epoch = in.readLong();
            l.epochMessages = in.readLong();
            l.epochStartedAt = in.readLong();
            l.directoryNumber = in.readLong();
            l.keylessReported = in.readBoolean();
            l.readUpTo = in.readLong();
            l.unread = in.readInt();
            for (int i = count(in); i > 0; i--) {
                l.members.put(in.readUTF(), in.readLong());
            }
            for (int i = count(in); i > 0; i--) {
                l.admins.add(in.readUTF());
            }
            l.pendingRotation = readDeparture(in);
            l.ownDeparture = readDeparture(in);
            readKeys(in, l.keys);
            readKeys(in, l.commitments);
            for (int i = count(in); i > 0; i--) {
                byte[] b = in.readNBytes(count(in));
                if (!(CODEC.decode(b) instanceof Rotate r)) {
                    throw new java.io.IOException("snapshot of " + name + ": a rotation that is not one");
                }
                l.rotations.put(r.epoch(), r);
            }
            for (int i = count(in); i > 0; i--) {
                l.lastUserSeq.put(in.readUTF(), in.readLong());
            }
            for (int i = count(in); i > 0; i--) {
                long userSeq = in.readLong();
                l.own.put(userSeq, new OwnEntry(in.readLong(), in.readNBytes(32)));
            }
            for (int i = count(in); i > 0; i--) {
                long seq = in.readLong();
                byte[] b = stored.entry(seq);
                if (b == null || !(CODEC.decode(b) instanceof Comms c) || c.stamp().channelSeq() != seq) {
                    throw new java.io.IOException("snapshot of " + name + ": message #" + seq + " is not in the log");
                }
                l.awaitingKey.add(c);
            }
            for (int i = count(in); i > 0; i--) {
                long seq = in.readLong();
                String author = in.readUTF();
                Claim c = new Claim(name, seq, author, new chat.protocol.DirectoryClaim(in.readLong(), in.readNBytes(32)),
                        System.currentTimeMillis());
                l.openClaims.add(c);
                l.claims.add(c); // checked again once the replay is done, as when they were first read
            }
            if (in.read() != -1 || l.lastHead.length != 32) {
                throw new java.io.IOException("snapshot of " + name + ": trailing or missing bytes");
            }
        } catch (chat.protocol.ProtocolException | RuntimeException e) {
            throw new java.io.IOException("snapshot of " + name + " is malformed: " + e.getMessage(), e);
        }
        l.attach(stored, me);
        return l;
    }

    private static final chat.protocol.MessageCodec CODEC = new chat.protocol.MessageCodec();

    /** The newest head recorded in {@code snapshot} (null if it is too short to hold one). */
    static byte[] snapshotHead(byte[] snapshot) {
        return snapshot.length < 44 ? null : Arrays.copyOfRange(snapshot, 12, 44);
    }

    private static int count(java.io.DataInputStream in) throws java.io.IOException {
        int n = in.readInt();
        if (n < 0 || n > 1 << 24) {
            throw new java.io.IOException("implausible count " + n);
        }
        return n;
    }

    private static void writeDeparture(java.io.DataOutputStream out, Departure d) throws java.io.IOException {
        out.writeBoolean(d != null);
        if (d != null) {
            out.writeLong(d.seq());
            out.writeLong(d.timestamp());
            out.writeUTF(d.member());
            out.writeUTF(d.by());
        }
    }

    private static Departure readDeparture(java.io.DataInputStream in) throws java.io.IOException {
        return in.readBoolean() ? new Departure(in.readLong(), in.readLong(), in.readUTF(), in.readUTF()) : null;
    }

    private static void writeKeys(java.io.DataOutputStream out, Map<Long, byte[]> keys) throws java.io.IOException {
        out.writeInt(keys.size());
        for (Map.Entry<Long, byte[]> k : keys.entrySet()) {
            out.writeLong(k.getKey());
            out.writeInt(k.getValue().length);
            out.write(k.getValue());
        }
    }

    private static void readKeys(java.io.DataInputStream in, Map<Long, byte[]> keys) throws java.io.IOException {
        for (int i = count(in); i > 0; i--) {
            long epoch = in.readLong();
            keys.put(epoch, in.readNBytes(count(in)));
        }
    }

    private Outcome reject(long seq, Alarm.Kind kind, String detail) {
        if (seq == lastSeq + 1) {
            reportedAt = seq;
        }
        return new Outcome.Rejected(new Alarm(name, seq, kind, detail));
    }
}
