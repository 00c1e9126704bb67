package chat.server.internal;

import chat.protocol.ChainHash;
import chat.protocol.Message;
import chat.protocol.MessageCodec;
import chat.protocol.Stamp;
import chat.protocol.identity.DirectoryLog;
import chat.storage.EntryCursor;
import chat.storage.EntryKind;
import chat.storage.ConflictException;
import chat.storage.HistoryStore;
import chat.storage.SharedStore;
import chat.storage.StorageException;
import chat.storage.RecoveredState;
import chat.storage.StoredEntry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The one owner of shared server state: channels, users, the store. Locking rule: a
 * request takes its {@link UserState} monitor, then (if it touches a channel) that
 * {@link ChannelState}'s monitor, never the other way round; the maps themselves are
 * concurrent. Appends to the store happen under the channel monitor, so a channel's
 * entries reach the journal in channelSeq order; the store calls back in that order.
 */
public final class Hub {

    /** The directory log, replaced while the server runs. */
    final Roster roster;
    final HistoryStore store;
    /** The store's operations for several servers, or null when this server is its only writer. */
    final SharedStore shared;
    final MessageCodec codec;
    private final Map<String, ChannelState> channels = new ConcurrentHashMap<>();
    private final Map<String, UserState> users = new ConcurrentHashMap<>();
    private final Map<String, java.util.Set<String>> channelsOfUser = new ConcurrentHashMap<>();
    /** User to the channels they departed and are not a member of again, with the departure entry. */
    private final Map<String, Map<String, DurableHead>> departures = new ConcurrentHashMap<>();
    private final Map<String, java.util.concurrent.atomic.AtomicInteger> memberships = new ConcurrentHashMap<>();
    private final Delivery delivery;
    final StorageRoom room;
    /** Who is online, told to those who share a channel with them. */
    final PresenceBoard presence = new PresenceBoard(this);

    Hub(DirectoryLog log, HistoryStore store, MessageCodec codec, chat.server.Quotas quotas, java.nio.file.Path dataDir,
        Consumer<Throwable> onStorageFailure) {
        this.roster = new Roster(log);
        this.store = store;
        this.shared = store.shared();
        this.codec = codec;
        for (String name : log.current().users().keySet()) {
            users.put(name, new UserState(name));
            channelsOfUser.put(name, ConcurrentHashMap.newKeySet());
        }
        this.delivery = new Delivery(this, onStorageFailure);
        this.room = new StorageRoom(quotas, shared == null ? dataDir : null, store.recoveredState().totalStoredBytes());
        restore(store.recoveredState());
    }

    private void restore(RecoveredState state) {
        // Every user the journal knows, in the directory now or not: one revoked now may be
        // added again with a new key, and their userSeq goes on from where it was.
        state.lastUserSeq().forEach((user, seq) -> user(user).lastUserSeq = seq);
        state.storedBytes().forEach((user, bytes) -> user(user).storedBytes = bytes);
        for (chat.storage.ChannelState stored : state.channels().values()) {
            ChannelState ch = new ChannelState(stored.name(), ChainHash.genesis(stored.name()));
            synchronized (ch) {
                ch.restore(stored);
                ch.stored = stored;
                for (String member : stored.members()) {
                    memberships.computeIfAbsent(member, k -> new java.util.concurrent.atomic.AtomicInteger())
                            .incrementAndGet();
                    channelsOfUser.computeIfAbsent(member, k -> ConcurrentHashMap.newKeySet()).add(ch.name);
                }
                stored.departed().forEach((user, seq) -> departures
                        .computeIfAbsent(user, k -> new ConcurrentHashMap<>())
                        .put(ch.name, new DurableHead(seq, storedHead(ch.name, seq))));
                ch.assignedSeq = stored.headSeq();
                ch.assignedHead = stored.headHash();
                ch.recordHead(stored.headSeq(), stored.headHash());
                ch.lastTimestamp = lastTimestamp(stored.name(), stored.headSeq());
                ch.durable = new DurableHead(stored.headSeq(), stored.headHash());
            }
            channels.put(ch.name, ch);
        }
    }

    private byte[] storedHead(String channel, long seq) {
        return java.util.Objects.requireNonNull(store.headAt(channel, seq),
                () -> "channel " + channel + " has no durable entry " + seq);
    }

    private long lastTimestamp(String channel, long headSeq) {
        try (EntryCursor cursor = store.read(channel, headSeq - 1, headSeq)) {
            return cursor.hasNext() ? cursor.next().timestamp() : 0;
        }
    }

    /**
     * The chain head after entry {@code seq} of {@code ch}: from memory for the newest
     * entries, else from the journal; null if it cannot be known (not durable yet and no
     * longer among the newest, which a working server does not reach). Caller holds the
     * channel's monitor.
     */
    byte[] headAt(ChannelState ch, long seq) {
        byte[] recent = ch.recentHead(seq, ChainHash.genesis(ch.name));
        if (recent != null) {
            return recent;
        }
        try {
            return store.headAt(ch.name, seq);
        } catch (java.io.UncheckedIOException e) { // damage in the journal (JournalDamageException) or a failing disk
            System.getLogger("chat.server").log(System.Logger.Level.WARNING,
                    "cannot read the head of channel {0} at #{1}: {2}", ch.name, seq, e.getMessage());
            return null;
        }
    }

    /** The state of a user; made on first use, since users join the directory while the server runs. */
    /** Compaction gave back these payload bytes (user to bytes): they no longer count against quotas. */
    public void reclaimed(Map<String, Long> freed) {
        freed.forEach((name, bytes) -> {
            UserState user = user(name);
            synchronized (user) {
                long had = user.storedBytes;
                user.storedBytes = Math.max(0, had - bytes);
                room.released(had - user.storedBytes);
            }
        });
    }

    UserState user(String name) {
        return users.computeIfAbsent(name, UserState::new);
    }

    ChannelState channel(String name) {
        return channels.get(name);
    }

    /** Registers a new, empty channel, or returns null if the name is taken. Caller holds {@code fresh}'s monitor. */
    boolean register(ChannelState fresh) {
        return channels.putIfAbsent(fresh.name, fresh) == null;
    }

    /** Adds a member; caller holds the channel's monitor. */
    void addMember(ChannelState ch, String user) {
        ch.addMember(user);
        memberships.computeIfAbsent(user, k -> new java.util.concurrent.atomic.AtomicInteger()).incrementAndGet();
    }

    /**
     * Ends {@code user}'s membership of {@code ch} for the checks, and frees a place under
     * their channel limit; caller holds the channel's monitor. Delivery stops at the
     * departure once it is durable ({@link #departed}).
     */
    void depart(ChannelState ch, String user) {
        if (ch.isMember(user)) {
            memberships.get(user).decrementAndGet();
        }
        ch.removeMember(user);
    }

    /** Channels {@code user} is a member of (accepted joins less accepted departures, durable or not). */
    int membershipCount(String user) {
        java.util.concurrent.atomic.AtomicInteger n = memberships.get(user);
        return n == null ? 0 : n.get();
    }

    /**
     * Records that {@code user}'s joining of {@code channel} is durable: from now on a sync
     * of theirs replays the channel. Not earlier, or a sync in between would replay a
     * channel's history without the invitation that carries the key to read it.
     */
    void joined(String channel, String user) {
        channelsOfUser.computeIfAbsent(user, k -> ConcurrentHashMap.newKeySet()).add(channel);
        Map<String, DurableHead> left = departures.get(user);
        if (left != null) {
            left.remove(channel); // after the add above, so a sync in between sees the channel in one of the two
        }
    }

    /**
     * Records that {@code user}'s departure from {@code channel}, entry {@code at}, is
     * durable: from now on their replays of the channel end there.
     */
    void departed(String channel, String user, DurableHead at) {
        departures.computeIfAbsent(user, k -> new ConcurrentHashMap<>()).put(channel, at);
        channelsOfUser.getOrDefault(user, java.util.Set.of()).remove(channel); // after the put, as in joined
    }

    /** The channels {@code user} is a member of, by durable entries (departed ones excluded). */
    java.util.Set<String> channelsOf(String user) {
        return java.util.Set.copyOf(channelsOfUser.getOrDefault(user, java.util.Set.of()));
    }

    /**
     * The channels a sync of {@code user} replays: those whose durable history includes
     * their joining, and those they departed (up to the departure).
     */
    java.util.Set<String> replayedFor(String user) {
        java.util.Set<String> channels = new java.util.LinkedHashSet<>(channelsOfUser.getOrDefault(user, java.util.Set.of()));
        channels.addAll(departures.getOrDefault(user, Map.of()).keySet());
        return channels;
    }

    /**
     * The entry a replay of {@code channel} for {@code user} ends at: the channel's durable
     * head, or the user's departure if they departed and were not invited again.
     */
    DurableHead replayEnd(String channel, String user) {
        DurableHead head = channel(channel).durable;
        DurableHead departure = departures.getOrDefault(user, Map.of()).get(channel);
        return departure != null && departure.seq() < head.seq() ? departure : head;
    }

    /**
     * Accepts an entry: gives it the channel's next channelSeq and the server's time (never
     * earlier than the channel's previous entry), extends the chain, records the user's
     * userSeq and appends it to the journal. Delivery follows once it is durable. The caller
     * holds the user's and the channel's monitors and has checked everything else; the
     * storage limits are checked here, last, before anything changes.
     */
    void accept(ChannelState ch, UserState user, long userSeq, EntryKind kind, String subject,
                Function<Stamp, Message> stamped) throws Rejection {
        long seq = ch.assignedSeq + 1;
        long timestamp = Math.max(System.currentTimeMillis(), ch.lastTimestamp);
        byte[] bytes = codec.encode(stamped.apply(new Stamp(seq, timestamp)));
        if (kind != EntryKind.CREATE) {
            room.check(user, kind, bytes.length); // a creation is checked before its name is taken (AddUserHandler)
        }
        byte[] head = ChainHash.next(ch.assignedHead, bytes);
        StoredEntry entry = new StoredEntry(ch.name, seq, timestamp, kind, user.name, subject, userSeq, head, bytes);
        if (shared != null) {
            commitShared(ch, user, entry); // nothing below happens if another server was first
        }
        room.stored(user, bytes.length);
        ch.assignedSeq = seq;
        ch.assignedHead = head;
        ch.recordHead(seq, head);
        ch.lastTimestamp = timestamp;
        user.lastUserSeq = userSeq;
        if (shared != null) {
            ch.stored = fold(ch.stored, entry);
            delivery.durable(entry); // committed already, by this thread, under the channel's monitor
        } else {
            store.append(entry, delivery);
        }
    }

    // ---- several servers on one shared store (docs/architecture.md, "Several servers") ----

    /**
     * Thrown by {@link #accept} when another server appended to the channel (or took the
     * user's userSeq) first. The hub has caught up with it; the dispatcher checks the request
     * again from the start, against the new state.
     */
    static final class Conflict extends RuntimeException {
        Conflict(String message) {
            super(message, null, false, false);
        }
    }

    /** Thrown by {@link #accept} when the shared store failed: nothing was accepted; the connection is closed. */
    static final class StoreDown extends RuntimeException {
        StoreDown(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private void commitShared(ChannelState ch, UserState user, StoredEntry entry) {
        try {
            shared.commit(entry);
        } catch (ConflictException e) {
            undo(ch, entry);
            try {
                user.lastUserSeq = Math.max(user.lastUserSeq, shared.lastUserSeq(user.name));
            } catch (StorageException down) {
                throw new StoreDown("the database failed: " + down.getMessage(), down);
            }
            throw new Conflict(e.getMessage());
        } catch (StorageException e) {
            undo(ch, entry);
            throw new StoreDown("the database failed: " + e.getMessage(), e);
        }
    }

    /**
     * Undoes what a handler changed before {@link #accept} (membership, for an invitation or
     * removal; the whole channel, for a creation) and catches up with the store.
     */
    private void undo(ChannelState ch, StoredEntry entry) {
        if (entry.kind() == EntryKind.CREATE) {
            channels.remove(ch.name, ch);
            resetMembership(ch, List.of(), List.of(), 0, false);
            return;
        }
        chat.storage.ChannelState at = ch.stored;
        resetMembership(ch, at.members(), at.admins(), at.epoch(), at.rotationPending());
        try {
            catchUp(ch);
        } catch (RuntimeException e) { // the next request or wake-up tries again
            System.getLogger("chat.server").log(System.Logger.Level.WARNING,
                    "cannot catch up with channel {0}: {1}", ch.name, e.getMessage());
        }
    }

    private void resetMembership(ChannelState ch, List<String> members, List<String> admins, long epoch, boolean pending) {
        java.util.Set<String> before = ch.memberSet();
        for (String u : before) {
            if (!members.contains(u)) {
                memberships.get(u).decrementAndGet();
            }
        }
        for (String u : members) {
            if (!before.contains(u)) {
                memberships.computeIfAbsent(u, k -> new java.util.concurrent.atomic.AtomicInteger()).incrementAndGet();
            }
        }
        ch.resetMembership(members, admins, epoch, pending);
    }

    private static chat.storage.ChannelState fold(chat.storage.ChannelState before, StoredEntry e) {
        return before == null ? chat.storage.ChannelState.created(e.channel(), e.head(), e.actor()) : before.after(e);
    }

    /**
     * Applies, as durable, every entry of the channel after its durable head: those other
     * servers appended. Caller holds the channel's monitor.
     */
    private void catchUp(ChannelState ch) {
        try (EntryCursor cursor = store.read(ch.name, ch.durable.seq(), Long.MAX_VALUE)) {
            while (cursor.hasNext()) {
                StoredEntry e = cursor.next();
                ch.stored = fold(ch.stored, e);
                chat.storage.ChannelState at = ch.stored;
                resetMembership(ch, at.members(), at.admins(), at.epoch(), at.rotationPending());
                ch.assignedSeq = e.seq();
                ch.assignedHead = e.head();
                ch.recordHead(e.seq(), e.head());
                ch.lastTimestamp = Math.max(ch.lastTimestamp, e.timestamp());
                UserState author = user(e.actor());
                author.lastUserSeq = Math.max(author.lastUserSeq, e.userSeq()); // racy read elsewhere: the store checks again
                room.stored(author, e.payload().length);
                delivery.durable(e);
            }
        }
    }

    /**
     * A wake-up from the shared store: {@code channel} has durable entries up to {@code head}.
     * Applies those this server has not seen and delivers them to its connections. Runs on
     * the store's listener thread, or on a connection's before a sync.
     */
    void refresh(String channel, long head) {
        while (true) {
            ChannelState ch = channels.get(channel);
            if (ch == null) {
                ChannelState fresh = new ChannelState(channel, ChainHash.genesis(channel));
                synchronized (fresh) {
                    if (!register(fresh)) {
                        continue; // created here meanwhile
                    }
                    try {
                        catchUp(fresh);
                    } finally {
                        if (fresh.durable.seq() == 0) {
                            channels.remove(channel, fresh); // not there after all
                        }
                    }
                }
                return;
            }
            if (head <= ch.durable.seq()) {
                return;
            }
            synchronized (ch) {
                if (channels.get(channel) != ch) {
                    continue; // a creation here lost to another server's and was undone
                }
                catchUp(ch);
            }
            return;
        }
    }

    /** Before a sync of {@code user}: catches up with every channel and with the user's userSeq. */
    void catchUpForSync(UserState user) {
        if (shared == null) {
            return;
        }
        try {
            shared.heads().forEach(this::refresh);
            long last = shared.lastUserSeq(user.name);
            synchronized (user) {
                user.lastUserSeq = Math.max(user.lastUserSeq, last);
            }
        } catch (StorageException e) {
            throw new StoreDown("the database failed: " + e.getMessage(), e);
        }
    }

    int userCount() {
        return users.size();
    }

    List<String> userNames() {
        return List.copyOf(users.keySet());
    }
}
