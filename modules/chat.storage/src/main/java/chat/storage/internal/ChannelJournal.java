package chat.storage.internal;

import chat.storage.AppendCallback;
import chat.storage.EntryCursor;
import chat.storage.RecoveredState;
import chat.storage.StoreIOException;
import chat.storage.StoreOptions;
import chat.storage.StoreStats;
import chat.storage.StorageException;
import chat.storage.StoredEntry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;

/**
 * An open data directory: the lock, the recovered state, the append queue and the
 * committer thread, wired together. {@link chat.storage.EntryStore} is its public face.
 *
 * <p>Opening runs in a fixed order: lock (so no one else recovers at the same time),
 * format check, recovery, then the committer starts on the recovered journal end.
 */
public final class ChannelJournal {

    private static final System.Logger LOG = System.getLogger("chat.storage");
    private static final String COMMITTER_NAME = "chat-storage-committer";

    private final StoreLayout layout;
    private final StoreLock lock;
    private final IndexRepair indexRepair;
    private final RecoveredState recovered;
    private final LiveState state;
    private final AppendQueue queue;
    private final Thread committer;
    private final Committer work;
    private final Object closing = new Object();
    /** Handles for {@link #headAt}: 64 files, well inside the descriptors kept for the store. */
    private final ReadHandles handles;
    private volatile boolean closed;

    private Compactor compactor;
    private Thread compactorThread;

    private ChannelJournal(StoreLayout layout, StoreLock lock, RecoveredState recovered, LiveState state,
                           AppendQueue queue, Committer work, Thread committer, IndexRepair indexRepair,
                           ReadHandles handles) {
        this.layout = layout;
        this.lock = lock;
        this.indexRepair = indexRepair;
        this.handles = handles;
        this.recovered = recovered;
        this.state = state;
        this.queue = queue;
        this.work = work;
        this.committer = committer;
    }

    /** The data folder, for the server's start-up line. */
    public String describe() {
        return layout.root().toString();
    }

    public static ChannelJournal open(StoreOptions options, FileOpener opener, boolean repair) throws StorageException {
        StoreLayout layout;
        try {
            boolean fresh = !Files.isDirectory(options.directory());
            Files.createDirectories(options.directory());
            layout = new StoreLayout(options.directory().toRealPath());
            if (fresh && layout.root().getParent() != null) {
                Durability.fsyncDirectory(layout.root().getParent()); // its name survives a power cut
            }
        } catch (IOException e) {
            throw new StoreIOException("cannot create the data directory " + options.directory(), e);
        }
        StoreLock lock = StoreLock.acquire(layout);
        IndexFiles index = new IndexFiles(layout, IndexFiles.DEFAULT_MAX_OPEN);
        try {
            FormatMarker.ensure(layout);
            Recovery.Result result = Recovery.run(layout, index, repair);
            JournalWriter writer;
            try {
                writer = JournalWriter.open(layout, opener, result.end(), options.segmentBytes());
            } catch (IOException e) {
                throw new StoreIOException("cannot open the journal in " + layout.journalDir(), e);
            }
            RecoveredState recovered = result.state().snapshot();
            Map<String, Long> heads = new HashMap<>();
            recovered.channels().forEach((name, channel) -> heads.put(name, channel.headSeq()));
            AppendQueue queue = new AppendQueue(heads, options.maxPendingEntries());
            IndexRepair indexRepair = new IndexRepair(layout);
            ReadHandles handles = new ReadHandles(64);
            Committer work = new Committer(layout, queue, writer, index, result.state(),
                    options.maxBatchEntries(), options.checkpointEveryEntries(), result.replayed(), indexRepair, handles);
            // A platform thread: it lives as long as the store and spends most of that in write
            // and fsync, which would tie up a virtual thread's carrier (the JDK compensates by
            // adding carriers) for no gain.
            Thread thread = Thread.ofPlatform().name(COMMITTER_NAME).daemon(true).unstarted(work);
            queue.setCommitter(thread);
            thread.start();
            return new ChannelJournal(layout, lock, recovered, result.state(), queue, work, thread, indexRepair, handles);
        } catch (StorageException | RuntimeException e) {
            index.close();
            release(lock);
            throw e;
        }
    }

    /**
     * Starts the retention period: a thread, {@code chat-storage-compactor}, runs a
     * compaction pass at once and then every {@code everyMillis}; {@code reclaimed} hears
     * of the payload bytes each user's expired messages gave back.
     */
    public synchronized void startRetention(long retainMillis, long everyMillis, java.util.function.LongSupplier clock,
                                            java.util.function.Consumer<Map<String, Long>> reclaimed) {
        if (closed) {
            throw new IllegalStateException("the store is closed");
        }
        if (compactor != null) {
            throw new IllegalStateException("retention is already running");
        }
        compactor = new Compactor(layout, queue, work, retainMillis, everyMillis, clock, reclaimed);
        compactorThread = Thread.ofPlatform().name("chat-storage-compactor").daemon(true).start(compactor);
    }

    /** One compaction pass now, on this thread, with the retention set by {@link #startRetention}. */
    public chat.storage.CompactionStats compactNow() throws IOException {
        Compactor c;
        synchronized (this) {
            c = compactor;
        }
        if (c == null) {
            throw new IllegalStateException("no retention period is set");
        }
        return c.pass();
    }

    public RecoveredState recoveredState() {
        return recovered;
    }

    public void append(StoredEntry entry, AppendCallback callback) {
        queue.append(entry, callback);
    }

    public long durableHead(String channel) {
        return state.durableHead(channel);
    }

    public StoreStats stats() {
        return work.stats();
    }

    public EntryCursor read(String channel, long afterSeq, long toSeqInclusive) {
        if (closed) {
            throw new IllegalStateException("the store is closed");
        }
        long last = Math.min(toSeqInclusive, state.durableHead(channel));
        long first = afterSeq >= last ? last + 1 : afterSeq + 1; // no overflow at afterSeq = Long.MAX_VALUE
        return new DiskCursor(layout, indexRepair, channel, first, last);
    }

    /**
     * The stored chain head after {@code channel}'s entry {@code seq}, or null if the channel
     * has no durable entry {@code seq}. Two positional reads through handles kept open; if
     * they do not lead to the record (damage, a handle evicted meanwhile), the read goes
     * through a cursor, which repairs the index or reports the damage.
     */
    public byte[] headAt(String channel, long seq) {
        if (closed) {
            throw new IllegalStateException("the store is closed");
        }
        if (seq < 1 || seq > state.durableHead(channel)) {
            return null;
        }
        try {
            ByteBuffer entry = ByteBuffer.allocate(Location.BYTES);
            if (Durability.readFully(handles.get(layout.index(channel)), entry, (seq - 1) * Location.BYTES)) {
                Location location = Location.readFrom(entry.flip());
                DiskCursor.check(layout, channel, seq, location);
                return DiskCursor.readRecord(layout, handles.get(layout.segment(location.segment())), location,
                        channel, seq).head();
            }
        } catch (IOException e) {
            handles.forget(layout.index(channel)); // a stale handle (an index rebuilt since) is not reused
        }
        try (EntryCursor cursor = new DiskCursor(layout, indexRepair, channel, seq, seq)) {
            return cursor.hasNext() ? cursor.next().head() : null;
        }
    }

    public void close() {
        if (Thread.currentThread() == committer) {
            throw new IllegalStateException("close() from an append callback would wait for itself");
        }
        synchronized (closing) { // a second caller waits until the first has finished
            if (closed) {
                return;
            }
            closed = true;
            Thread compacting;
            synchronized (this) {
                compacting = compactorThread;
                if (compactor != null) {
                    compactor.stop();
                }
            }
            if (compacting != null) {
                compacting.interrupt();
                // A pass between two files finishes its step; one waiting for the committer
                // is released when the queue closes and cancels its task.
            }
            queue.close();
            boolean interrupted = false;
            while (committer.isAlive()) {
                try {
                    committer.join();
                } catch (InterruptedException e) {
                    interrupted = true; // finish closing: the lock must not outlive the files
                }
            }
            if (compacting != null) {
                try {
                    compacting.join(10_000);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            indexRepair.close();
            handles.close();
            release(lock);
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void release(StoreLock lock) {
        try {
            lock.close();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "releasing the lock failed; the process exit will release it", e);
        }
    }
}
