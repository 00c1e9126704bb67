package chat.storage;

/**
 * Where the server keeps channel history: the embedded journal ({@link EntryStore}, the
 * default) or a database shared by several servers (a {@link chat.storage.spi.StoreProvider}
 * such as chat.storage.postgres). The server sees only this interface.
 *
 * <p>Every implementation passes the same contract suite (tests/store-contract).
 */
public interface HistoryStore extends AutoCloseable {

    /** The state as of open: every channel's head and members, every user's last userSeq. */
    RecoveredState recoveredState();

    /**
     * Queues an entry to be made durable; its callback runs once it is (or once the store has
     * failed). Appends to one channel must be serialised by the caller, each carrying the
     * next seq. A {@linkplain #shared() shared} store is written through
     * {@link SharedStore#commit} instead.
     */
    void append(StoredEntry entry, AppendCallback callback);

    /** The seq of the channel's last durable entry, 0 if it has none (or does not exist). */
    long durableHead(String channel);

    /** Counters since open. */
    StoreStats stats();

    /**
     * A cursor over the channel's entries {@code afterSeq + 1 .. min(toSeqInclusive,
     * durableHead)}, as of now; empty for an unknown channel or an empty range. Close it.
     */
    EntryCursor read(String channel, long afterSeq, long toSeqInclusive);

    /** The chain head stored with the channel's durable entry {@code seq}, or null if there is none. */
    byte[] headAt(String channel, long seq);

    /**
     * The operations of a store that other servers write too, or null for a store only this
     * server writes (the journal).
     */
    default SharedStore shared() {
        return null;
    }

    /** Where the history is, for the server's start-up line (a folder, a database URL without secrets). */
    String describe();

    /** Commits what was appended, then releases everything. Idempotent. */
    @Override
    void close();
}
