package chat.storage;

import java.util.Iterator;

/**
 * A forward pass over a range of one channel's entries, read from disk a bounded chunk at
 * a time. Not thread-safe: one cursor belongs to one reader. Close it to release its file
 * handles.
 *
 * <p>An index entry that no longer leads to its record is rebuilt from the journal (a
 * WARNING on {@code chat.storage}) and the read goes on. {@link #next()} throws
 * {@link JournalDamageException} if the journal itself lacks an intact record of the entry
 * (naming the channel, seq, file and offset), and {@link java.io.UncheckedIOException} if
 * the disk fails.
 */
public interface EntryCursor extends Iterator<StoredEntry>, AutoCloseable {

    /** Releases the cursor's file handles. Idempotent. */
    @Override
    void close();
}
