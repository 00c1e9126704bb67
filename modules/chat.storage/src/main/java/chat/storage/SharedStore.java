package chat.storage;

import java.util.function.BiConsumer;

/**
 * A store several servers write at once (docs/architecture.md, "Several servers"). The
 * channel order stays one total order: {@link #commit} appends an entry only if it follows
 * the channel's durable head and the author's last userSeq, atomically, and otherwise
 * changes nothing and throws {@link ConflictException}; the server then catches up with what
 * the others appended ({@link HistoryStore#read}) and checks the request again.
 */
public interface SharedStore {

    /**
     * Makes the entry durable now (committed before this returns), if its seq is the
     * channel's durable head + 1 (a CREATE: the channel does not exist) and its userSeq is
     * above the author's last.
     *
     * @throws ConflictException another server appended to the channel, created it, or took
     *                           the author's userSeq first; nothing was stored
     * @throws StorageException  the database failed; nothing may have been stored
     */
    void commit(StoredEntry entry) throws ConflictException, StorageException;

    /** Every channel's durable head seq, by name. */
    java.util.Map<String, Long> heads() throws StorageException;

    /** The highest userSeq of any stored entry of {@code user}, 0 if none. */
    long lastUserSeq(String user) throws StorageException;

    /**
     * Starts telling {@code changed} (channel name, durable head seq) about channels other
     * servers appended to, within milliseconds of their commit, and about every channel now
     * and then (and after a lost connection), so a missed wake-up only delays. Called on one
     * thread of the store's; the callback reads the entries itself.
     */
    void listen(BiConsumer<String, Long> changed);
}
