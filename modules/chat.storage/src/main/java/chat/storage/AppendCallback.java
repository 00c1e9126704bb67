package chat.storage;

/**
 * Learns what became of an {@link EntryStore#append appended} entry. Both methods run on
 * the store's committer thread, in append order, so they must be quick and must not
 * block: hand real work to another thread. Exactly one of them is called per append.
 */
public interface AppendCallback {

    /** The entry is on disk and fsynced: it survives a crash from now on. */
    void durable(StoredEntry entry);

    /**
     * The entry could not be made durable and never will be: the store failed (a write or
     * fsync error) and fails every append from then on.
     */
    void failed(StoredEntry entry, StorageException cause);
}
