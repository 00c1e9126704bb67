package chat.storage.internal;

import chat.storage.JournalDamageException;
import chat.storage.StorageException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Rebuilds a channel's index from the journal when a read finds an entry that does not
 * lead to the record it should (zeroed, out of range, another record, a CRC failure).
 * Index files are derived data; the journal is the truth.
 *
 * <p>One monitor per channel: a rebuild holds only its channel's, so readers of other
 * channels never wait for it, and readers of the same channel that hit the same damage
 * wait and then use the rebuilt index rather than rebuild again (a generation number
 * tells them). A rebuild writes only entries 1..head (the durable head the cursor was
 * given), which the committer wrote once, before publishing that head, and never writes
 * again; so it runs beside the committer, which only writes entries above the head.
 */
final class IndexRepair {

    private static final System.Logger LOG = System.getLogger("chat.storage");
    private static final int RUN_ENTRIES = 4096;
    private static final int SCAN_WINDOW_BYTES = 4 << 20;

    private final StoreLayout layout;
    private final ConcurrentHashMap<String, Channel> channels = new ConcurrentHashMap<>();
    /** Rebuilds hold it shared; {@link #close} exclusively, so none runs once the lock is released. */
    private final ReentrantReadWriteLock gate = new ReentrantReadWriteLock();
    private boolean closed;

    private static final class Channel {
        volatile int generation;
        /** The head the last rebuild covered, and the journal damage it met (null if none). */
        long scannedThrough;
        String damage;
    }

    /** Held by a compaction's install and by every rebuild, so a rebuild never scans a segment being replaced. */
    private final java.util.concurrent.locks.ReentrantLock compaction = new java.util.concurrent.locks.ReentrantLock();
    /** Odd while a compaction is being installed; each install adds 2. */
    private volatile long compactionGeneration;

    /** Changes when a segment is replaced by compaction; odd while the index entries of one are rewritten. */
    long compactionGeneration() {
        return compactionGeneration;
    }

    /** Waits until no compaction is being installed. */
    void awaitCompaction() {
        compaction.lock();
        compaction.unlock();
    }

    void beginCompaction() {
        compaction.lock();
        compactionGeneration++;
    }

    void endCompaction() {
        compactionGeneration++;
        compaction.unlock();
    }

    IndexRepair(StoreLayout layout) {
        this.layout = layout;
    }

    /** Changes each time the channel's index is rebuilt. */
    int generation(String channel) {
        Channel c = channels.get(channel);
        return c == null ? 0 : c.generation;
    }

    /**
     * A cursor found the index entry of {@code seq} wrong ({@code problem}) while the
     * generation was {@code seen}. Unless another reader has rebuilt the index since, this
     * rebuilds the channel's entries 1..{@code head} from the journal. Returns when the
     * cursor should read the index again.
     *
     * @throws JournalDamageException the journal holds no intact record of {@code seq}
     */
    void repair(String channel, long seq, long head, int seen, String problem) throws IOException {
        gate.readLock().lock();
        try {
            if (closed) {
                // Another process may own the folder now: its index files are not ours to write.
                throw new IOException(problem + " (the store is closed, so the index was not rebuilt)");
            }
            repairOpen(channel, seq, head, seen, problem);
        } finally {
            gate.readLock().unlock();
        }
    }

    /** Called before the store's lock is released: waits for running rebuilds, refuses later ones. */
    void close() {
        gate.writeLock().lock();
        try {
            closed = true;
        } finally {
            gate.writeLock().unlock();
        }
    }

    private void repairOpen(String channel, long seq, long head, int seen, String problem) throws IOException {
        Channel c = channels.computeIfAbsent(channel, k -> new Channel());
        synchronized (c) {
            if (c.generation != seen && seq <= c.scannedThrough) {
                return; // rebuilt meanwhile by another reader
            }
            if (c.damage != null && seq <= c.scannedThrough) {
                throw missing(channel, seq, c.damage); // already scanned: no rescan per read
            }
            long started = System.nanoTime();
            Rebuilt rebuilt;
            compaction.lock();
            try {
                rebuilt = rebuild(channel, seq, head);
            } finally {
                compaction.unlock();
            }
            c.scannedThrough = head;
            c.damage = rebuilt.damage;
            c.generation++;
            LOG.log(Level.WARNING, "index of channel " + channel + " (" + layout.describe(layout.index(channel))
                    + ") was damaged (" + problem + "); rebuilt its entries 1.." + head + " from the journal ("
                    + rebuilt.found + " found) in " + (System.nanoTime() - started) / 1_000_000 + " ms"
                    + (rebuilt.damage == null ? "" : "; the journal itself is damaged: " + rebuilt.damage));
            if (!rebuilt.target) {
                throw missing(channel, seq, rebuilt.damage);
            }
        }
    }

    private record Rebuilt(long found, boolean target, String damage) {
    }

    /** Scans the journal for the channel's records with seqs 1..head and writes their index entries. */
    private Rebuilt rebuild(String channel, long seq, long head) throws IOException {
        byte[] name = channel.getBytes(StandardCharsets.UTF_8);
        ByteBuffer run = ByteBuffer.allocate(RUN_ENTRIES * Location.BYTES);
        long runFirst = 1;
        long expected = 1;
        long found = 0;
        boolean target = false;
        String damage = null;
        try (FileChannel index = FileChannel.open(layout.index(channel), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE)) {
            segments:
            for (int number : layout.segmentNumbers()) {
                if (expected > head) {
                    break;
                }
                var path = layout.segment(number);
                try (FileChannel segment = FileChannel.open(path, StandardOpenOption.READ)) {
                    ByteBuffer header = ByteBuffer.allocate(SegmentHeader.BYTES);
                    if (!Durability.readFully(segment, header, 0)) {
                        damage = damage != null ? damage : path + " offset 0 (segment header cut short)";
                        continue;
                    }
                    try {
                        SegmentHeader.check(header.flip(), path, number);
                    } catch (StorageException e) {
                        damage = damage != null ? damage : path + " offset 0 (" + e.getMessage() + ")";
                        continue;
                    }
                    SegmentScanner scanner = new SegmentScanner(segment, number, SegmentHeader.BYTES, SCAN_WINDOW_BYTES);
                    while (true) {
                        SegmentScanner.Step step = scanner.frame();
                        if (step instanceof SegmentScanner.Step.Torn torn) {
                            damage = damage != null ? damage : path + " offset " + torn.offset() + " (" + torn.reason() + ")";
                            break;
                        }
                        if (step != null) {
                            break; // the segment's end
                        }
                        ByteBuffer body = scanner.body();
                        if (!RecordCodec.isChannel(body, name)) {
                            continue;
                        }
                        long s = RecordCodec.seqOf(body);
                        if (s < expected || s > head) {
                            continue;
                        }
                        if (s != runFirst + run.position() / Location.BYTES || !run.hasRemaining()) {
                            flush(index, run, runFirst);
                            runFirst = s;
                        }
                        scanner.location().writeTo(run);
                        found++;
                        target |= s == seq;
                        expected = s + 1;
                        if (expected > head) {
                            break segments;
                        }
                    }
                }
            }
            flush(index, run, runFirst);
            index.force(false); // the checkpoint vouches for these entries: make them durable too
        }
        return new Rebuilt(found, target, damage);
    }

    private static void flush(FileChannel index, ByteBuffer run, long firstSeq) throws IOException {
        if (run.position() > 0) {
            Durability.writeFully(index, run.flip(), (firstSeq - 1) * Location.BYTES);
        }
        run.clear();
    }

    private JournalDamageException missing(String channel, long seq, String damage) {
        return damaged("channel " + channel + " seq " + seq + " cannot be read: its journal record is "
                + (damage == null ? "missing from the journal" : "missing or damaged; the journal is damaged at "
                + damage));
    }

    /** The exception for damage in the journal itself, with what the operator should do. */
    JournalDamageException damaged(String what) {
        return new JournalDamageException(what + ". The index was rebuilt from the journal, which cannot supply"
                + " it. Copy the data folder " + layout.root() + ", then start the server once with"
                + " chat server --repair-journal: it moves everything from the first damaged journal record on"
                + " into a damaged-<time> folder there and starts with the entries before it");
    }
}
