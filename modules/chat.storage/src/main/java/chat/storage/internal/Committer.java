package chat.storage.internal;

import chat.storage.StoreIOException;
import chat.storage.StoreStats;
import chat.storage.StorageException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.FutureTask;

/**
 * The committer thread's work: group commit. It takes everything queued (up to a batch
 * limit), writes it to the journal in one go, fsyncs once, writes the batch's index
 * entries, publishes the new durable heads and then runs the batch's callbacks in append
 * order. Every {@code checkpointEvery} entries, and when the queue closes, it writes a
 * checkpoint.
 *
 * <p>The first write or fsync error fails the store for good: that batch and every later
 * one are reported failed and nothing is retried. After a failed fsync the kernel may
 * have dropped the dirty pages and marked them clean, so a retry that "succeeds" would
 * report durable what is not (PostgreSQL's "fsyncgate", 2018). The journal state is
 * sorted out by recovery at the next open.
 *
 * <p>Owns the journal writer, the index files and the durable state: only this thread
 * touches them once it runs.
 */
final class Committer implements Runnable {

    private static final System.Logger LOG = System.getLogger("chat.storage");

    private final StoreLayout layout;
    private final AppendQueue queue;
    private final JournalWriter writer;
    private final IndexFiles index;
    private final LiveState state;
    private final IndexRepair repair;
    private final ReadHandles handles;
    /** The position of the last checkpoint written since open (null: none yet). */
    private JournalPosition lastCheckpoint;
    private final int maxBatch;
    private final long checkpointEvery;
    private long sinceCheckpoint;
    private StorageException failure;
    // Written by the committer thread only, read by any thread through stats().
    private volatile long durableEntries;
    private volatile long groupCommits;
    private volatile long checkpoints;
    private volatile boolean failed;

    Committer(StoreLayout layout, AppendQueue queue, JournalWriter writer, IndexFiles index, LiveState state,
              int maxBatch, long checkpointEvery, long sinceCheckpoint, IndexRepair repair, ReadHandles handles) {
        this.repair = repair;
        this.handles = handles;
        this.layout = layout;
        this.queue = queue;
        this.writer = writer;
        this.index = index;
        this.state = state;
        this.maxBatch = maxBatch;
        this.checkpointEvery = checkpointEvery;
        this.sinceCheckpoint = sinceCheckpoint;
    }

    @Override
    public void run() {
        try {
            List<Pending> batch;
            while ((batch = queue.take(maxBatch)) != null) {
                queue.takeTasks().forEach(FutureTask::run); // a task's failure goes to its future
                if (batch.isEmpty()) {
                    continue;
                }
                try {
                    if (failure == null && write(batch)) {
                        publish(batch);
                        if (failure == null && sinceCheckpoint >= checkpointEvery) {
                            checkpoint();
                        }
                    } else {
                        batch.forEach(this::notifyFailed);
                    }
                } catch (Throwable t) {
                    // Anything unforeseen (an Error out of a callback, a bug): the committer must
                    // not die silently with appends waiting on it. Fail-stop and keep draining,
                    // so every waiting and later append hears of the failure.
                    if (failure == null) {
                        fail(new StoreIOException("the journal committer broke", new java.io.IOException(t)));
                    }
                }
            }
            if (failure == null && sinceCheckpoint > 0) {
                checkpoint();
            }
        } finally {
            index.close();
            try {
                writer.close();
            } catch (IOException e) {
                LOG.log(Level.WARNING, "closing the journal failed (its data was already fsynced)", e);
            }
        }
    }

    /** Writes and fsyncs the batch; false if that failed and the store is now failed. */
    private boolean write(List<Pending> batch) {
        IndexBatch locations = new IndexBatch();
        try {
            for (Pending pending : batch) {
                locations.add(pending.entry().channel(), pending.entry().seq(), writer.write(pending.entry()));
            }
            writer.commit();
        } catch (IOException e) {
            fail(new StoreIOException("cannot write or fsync the journal in " + layout.journalDir(), e));
            return false;
        } catch (RuntimeException e) {
            fail(new StoreIOException("journal write in " + layout.journalDir() + " broke", new IOException(e)));
            return false;
        }
        try {
            locations.writeTo(index);
        } catch (IOException e) {
            // The batch is durable in the journal (recovery rebuilds its index), but reads
            // cannot be trusted from here on, so the store stops taking appends.
            fail(new StoreIOException("cannot write the index files in " + layout.indexDir(), e));
        }
        return true;
    }

    StoreStats stats() {
        return new StoreStats(durableEntries, groupCommits, checkpoints, failed);
    }

    private void publish(List<Pending> batch) {
        for (Pending pending : batch) {
            state.apply(pending.entry());
        }
        sinceCheckpoint += batch.size();
        durableEntries += batch.size();
        groupCommits++;
        for (Pending pending : batch) {
            try {
                pending.callback().durable(pending.entry());
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "an append callback threw for " + pending.entry(), e);
            } catch (Error e) {
                // e.g. OutOfMemoryError: the entry is durable, but whoever waits for its
                // callback may not have been told; stop taking appends rather than go on unsure.
                LOG.log(Level.ERROR, "an append callback failed for " + pending.entry(), e);
                if (failure == null) {
                    fail(new StoreIOException("an append callback failed: " + e, new java.io.IOException(e)));
                }
            }
        }
    }

    private void notifyFailed(Pending pending) {
        try {
            pending.callback().failed(pending.entry(), failure);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "an append callback threw for " + pending.entry(), e);
        }
    }

    /**
     * A compaction step (on this thread, between batches): closes the current segment if it
     * holds a message sent before {@code cutoff}, and writes a checkpoint unless one lies
     * beyond every closed segment. Returns the checkpoint's position: every segment before
     * its segment is closed and its index entries are fsynced.
     */
    JournalPosition prepareCompaction(long cutoff) throws IOException {
        if (failure != null) {
            throw new IOException("the store has failed", failure);
        }
        try {
            if (writer.oldestMessage() < cutoff) {
                writer.rollNow();
            }
        } catch (IOException e) {
            fail(new StoreIOException("cannot close the journal segment for compaction in " + layout.journalDir(), e));
            throw e;
        }
        if (lastCheckpoint == null || lastCheckpoint.segment() < writer.position().segment()) {
            checkpoint();
            if (failure != null) {
                throw new IOException("the store has failed", failure);
            }
        }
        return lastCheckpoint;
    }

    /**
     * A compaction step (on this thread, between batches): puts the fsynced compacted copy of
     * a closed, checkpointed segment in its place. Marker, fsync; atomic rename, fsync; the
     * segment's new index entries; a checkpoint (which fsyncs them and records the reclaimed
     * bytes); marker deleted. Readers that meet the change retry after it (see
     * {@link IndexRepair#compactionGeneration}). A failure before the rename leaves the old
     * segment and is reported; one after it fails the store (the next open finishes it).
     */
    void installCompaction(int segment, Path copy, IndexBatch entries, Map<String, Long> freed) throws IOException {
        if (failure != null) {
            throw new IOException("the store has failed", failure);
        }
        Path marker = Compactor.marker(layout, segment);
        Path target = layout.segment(segment);
        try {
            Files.deleteIfExists(marker);
            Files.createFile(marker);
            Durability.fsyncDirectory(layout.journalDir());
        } catch (IOException e) {
            Files.deleteIfExists(copy);
            throw e;
        }
        repair.beginCompaction();
        try {
            Files.move(copy, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            Durability.fsyncDirectory(layout.journalDir());
            entries.writeTo(index);
            handles.forget(target);
            state.reclaim(freed);
            checkpoint();
            if (failure != null) {
                throw new IOException("the store has failed", failure);
            }
            Files.delete(marker);
            Durability.fsyncDirectory(layout.journalDir());
        } catch (IOException e) {
            if (failure == null) {
                fail(new StoreIOException("cannot install the compacted " + target, e));
            }
            throw e;
        } finally {
            repair.endCompaction();
        }
    }

    private void checkpoint() {
        try {
            index.forceDirty();
            JournalPosition position = writer.position();
            CheckpointFile.write(layout, new Checkpoint(position, state.snapshot()));
            lastCheckpoint = position;
            sinceCheckpoint = 0;
            checkpoints++;
        } catch (IOException e) {
            // An index fsync may have failed: its pages are in an unknown state, so no
            // later checkpoint may vouch for them. Fail rather than retry.
            fail(new StoreIOException("cannot write the checkpoint " + layout.checkpointFile(), e));
        }
    }

    private void fail(StorageException cause) {
        failure = cause;
        failed = true;
        LOG.log(Level.ERROR, "the store has failed and refuses all further appends", cause);
    }
}
