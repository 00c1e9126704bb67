package chat.storage;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How an {@link EntryStore} is laid out and paced.
 *
 * @param directory              the data directory; created if missing
 * @param segmentBytes           a journal segment is closed and a new one started once it
 *                               holds this many bytes ({@value #MIN_SEGMENT_BYTES}..{@value #MAX_SEGMENT_BYTES})
 * @param maxBatchEntries        most entries written and fsynced as one group commit
 *                               (1..{@value #MAX_BATCH_ENTRIES})
 * @param checkpointEveryEntries a checkpoint (fsync of the index files and a snapshot of
 *                               the state) is written after this many durable entries
 *                               (at least 1): it bounds the journal replayed at open
 * @param maxPendingEntries      appends queued but not yet durable beyond which
 *                               {@link EntryStore#append} blocks (at least 1)
 */
public record StoreOptions(Path directory, long segmentBytes, int maxBatchEntries,
                           long checkpointEveryEntries, int maxPendingEntries) {

    public static final long MIN_SEGMENT_BYTES = 1024;
    public static final long MAX_SEGMENT_BYTES = 1L << 34;
    public static final int MAX_BATCH_ENTRIES = 1 << 16;

    public static final long DEFAULT_SEGMENT_BYTES = 64L * 1024 * 1024;
    public static final int DEFAULT_MAX_BATCH_ENTRIES = 4096;
    public static final long DEFAULT_CHECKPOINT_EVERY_ENTRIES = 100_000;
    public static final int DEFAULT_MAX_PENDING_ENTRIES = 65_536;

    public StoreOptions {
        Objects.requireNonNull(directory, "directory");
        if (segmentBytes < MIN_SEGMENT_BYTES || segmentBytes > MAX_SEGMENT_BYTES) {
            throw new IllegalArgumentException("segmentBytes " + segmentBytes + " out of range "
                    + MIN_SEGMENT_BYTES + ".." + MAX_SEGMENT_BYTES);
        }
        if (maxBatchEntries < 1 || maxBatchEntries > MAX_BATCH_ENTRIES) {
            throw new IllegalArgumentException("maxBatchEntries " + maxBatchEntries + " out of range 1.."
                    + MAX_BATCH_ENTRIES);
        }
        if (checkpointEveryEntries < 1) {
            throw new IllegalArgumentException("checkpointEveryEntries " + checkpointEveryEntries
                    + " must be at least 1");
        }
        if (maxPendingEntries < 1) {
            throw new IllegalArgumentException("maxPendingEntries " + maxPendingEntries + " must be at least 1");
        }
    }

    /** 64 MiB segments, batches of up to 4096, a checkpoint every 100,000 entries, 65,536 pending. */
    public static StoreOptions defaults(Path directory) {
        return new StoreOptions(directory, DEFAULT_SEGMENT_BYTES, DEFAULT_MAX_BATCH_ENTRIES,
                DEFAULT_CHECKPOINT_EVERY_ENTRIES, DEFAULT_MAX_PENDING_ENTRIES);
    }

    public StoreOptions withSegmentBytes(long bytes) {
        return new StoreOptions(directory, bytes, maxBatchEntries, checkpointEveryEntries, maxPendingEntries);
    }

    public StoreOptions withMaxBatchEntries(int entries) {
        return new StoreOptions(directory, segmentBytes, entries, checkpointEveryEntries, maxPendingEntries);
    }

    public StoreOptions withCheckpointEveryEntries(long entries) {
        return new StoreOptions(directory, segmentBytes, maxBatchEntries, entries, maxPendingEntries);
    }

    public StoreOptions withMaxPendingEntries(int entries) {
        return new StoreOptions(directory, segmentBytes, maxBatchEntries, checkpointEveryEntries, entries);
    }
}
