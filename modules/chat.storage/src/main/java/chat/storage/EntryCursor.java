package chat.storage;

import java.util.Iterator;

/**
 * A forward pass over a range of one channel's entries, read from disk a bounded chunk at
 * a time. Not thread-safe: one cursor belongs to one reader. Close it to release its file
 * handles.
 *
 * <p>{@link #next()} throws {@link java.io.UncheckedIOException} if the disk fails or a
 * record no longer matches its index, naming the file and offset.
 */
public interface EntryCursor extends Iterator<StoredEntry>, AutoCloseable {

    /** Releases the cursor's file handles. Idempotent. */
    @Override
    void close();
}
