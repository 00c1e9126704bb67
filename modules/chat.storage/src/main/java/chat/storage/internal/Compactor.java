package chat.storage.internal;

import chat.storage.CompactionStats;
import chat.storage.EntryKind;
import chat.storage.StoredEntry;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The retention period: rewrites closed, checkpointed journal segments with every MESSAGE
 * older than the period replaced by its EXPIRED remainder (seq, timestamp, actor, userSeq,
 * chain head; no payload), so the disk space of the payloads is given back.
 *
 * <p>A pass: the committer closes the current segment if it holds a message already past
 * the period and writes a checkpoint if the last one lies in the current segment
 * ({@link Committer#prepareCompaction}); every segment before the checkpoint's is then
 * closed, never written again, and its index entries are fsynced. For each such segment
 * that still holds an expired message, this thread writes {@code NNNNNNNN.compact} beside it
 * and fsyncs it; then the committer, between two batches, installs it
 * ({@link Committer#installCompaction}): marker {@code NNNNNNNN.compacting}, atomic rename
 * over the segment, new index entries, checkpoint, marker deleted. A crash at any point
 * leaves the old segment or the new one, each with records for every seq; the marker tells
 * the next open ({@link #recover}) to rewrite that segment's index entries or to delete a
 * {@code .compact} that was never installed.
 *
 * <p>Per segment it remembers the oldest message it kept, so a segment is read again only
 * once something in it can have expired.
 */
public final class Compactor implements Runnable {

    private static final System.Logger LOG = System.getLogger("chat.storage");
    static final String COMPACT_SUFFIX = ".compact";
    static final String MARKER_SUFFIX = ".compacting";

    private final StoreLayout layout;
    private final AppendQueue queue;
    private final Committer committer;
    private final long retainMillis;
    private final long everyMillis;
    private final LongSupplier clock;
    private final Consumer<Map<String, Long>> reclaimed;
    /** Segment to the timestamp of the oldest MESSAGE it still holds (MAX_VALUE: none); absent: not read yet. */
    private final Map<Integer, Long> oldestKept = new HashMap<>();
    private volatile boolean stopped;

    Compactor(StoreLayout layout, AppendQueue queue, Committer committer, long retainMillis, long everyMillis,
              LongSupplier clock, Consumer<Map<String, Long>> reclaimed) {
        this.layout = layout;
        this.queue = queue;
        this.committer = committer;
        this.retainMillis = retainMillis;
        this.everyMillis = everyMillis;
        this.clock = clock;
        this.reclaimed = reclaimed;
    }

    static Path compactFile(StoreLayout layout, int segment) {
        return layout.journalDir().resolve(String.format("%08d", segment) + COMPACT_SUFFIX);
    }

    static Path marker(StoreLayout layout, int segment) {
        return layout.journalDir().resolve(String.format("%08d", segment) + MARKER_SUFFIX);
    }

    /** The background loop: a pass at once, then one every period, until {@link #stop}. */
    @Override
    public void run() {
        while (!stopped) {
            try {
                pass();
            } catch (IOException | RuntimeException e) {
                if (stopped) {
                    return;
                }
                LOG.log(Level.WARNING, "journal compaction failed; it is tried again in " + everyMillis + " ms", e);
            }
            try {
                Thread.sleep(everyMillis);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    void stop() {
        stopped = true;
    }

    /** One pass over the journal; serialised, so a pass asked for by a caller never overlaps the loop's. */
    synchronized CompactionStats pass() throws IOException {
        long cutoff = clock.getAsLong() - retainMillis;
        JournalPosition checkpoint = onCommitter(() -> committer.prepareCompaction(cutoff));
        CompactionStats total = CompactionStats.NONE;
        for (int segment = 1; segment < checkpoint.segment() && !stopped; segment++) {
            Long oldest = oldestKept.get(segment);
            if (oldest == null || oldest < cutoff) {
                total = total.plus(compact(segment, cutoff));
            }
        }
        if (total.segments() > 0) {
            LOG.log(Level.INFO, "journal compaction: " + total.expired() + " message(s) older than "
                    + retainMillis + " ms expired in " + total.segments() + " segment(s), "
                    + (total.bytesBefore() - total.bytesAfter()) + " bytes reclaimed");
        }
        return total;
    }

    private CompactionStats compact(int segment, long cutoff) throws IOException {
        Path path = layout.segment(segment);
        try (FileChannel in = FileChannel.open(path, StandardOpenOption.READ)) {
            // First pass: is there anything to expire? (Most passes find nothing, and write nothing.)
            long expiring = 0;
            long kept = Long.MAX_VALUE;
            SegmentScanner scan = new SegmentScanner(in, segment, SegmentHeader.BYTES);
            for (SegmentScanner.Step step = scan.next(); ; step = scan.next()) {
                if (step instanceof SegmentScanner.Step.Entry(StoredEntry e, Location l)) {
                    if (e.kind() == EntryKind.MESSAGE) {
                        if (e.timestamp() < cutoff) {
                            expiring++;
                        } else {
                            kept = Math.min(kept, e.timestamp());
                        }
                    }
                } else if (step instanceof SegmentScanner.Step.Torn torn) {
                    LOG.log(Level.WARNING, "journal compaction skips " + path + ": record at offset " + torn.offset()
                            + " is damaged (" + torn.reason() + ")");
                    oldestKept.put(segment, Long.MAX_VALUE);
                    return CompactionStats.NONE;
                } else {
                    break;
                }
            }
            if (expiring == 0) {
                oldestKept.put(segment, kept);
                return CompactionStats.NONE;
            }
            // Second pass: write the compacted copy and gather its index entries.
            Path copy = compactFile(layout, segment);
            IndexBatch index = new IndexBatch();
            Map<String, Long> freed = new HashMap<>();
            long size;
            try (FileChannel out = FileChannel.open(copy, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buffer = ByteBuffer.allocate(2 * RecordCodec.MAX_RECORD_BYTES);
                buffer.put(SegmentHeader.encode(segment));
                long written = 0;
                scan = new SegmentScanner(in, segment, SegmentHeader.BYTES);
                for (SegmentScanner.Step step = scan.next(); step instanceof SegmentScanner.Step.Entry entry;
                     step = scan.next()) {
                    StoredEntry e = entry.entry();
                    if (e.kind() == EntryKind.MESSAGE && e.timestamp() < cutoff) {
                        freed.merge(e.actor(), (long) e.payload().length, Long::sum);
                        e = e.expired();
                    }
                    RecordCodec.Prepared record = RecordCodec.prepare(e);
                    if (buffer.remaining() < record.size()) {
                        buffer.flip();
                        Durability.writeFully(out, buffer, written);
                        written += buffer.limit();
                        buffer.clear();
                    }
                    index.add(e.channel(), e.seq(), new Location(segment, written + buffer.position(), record.size()));
                    record.writeTo(buffer);
                }
                buffer.flip();
                Durability.writeFully(out, buffer, written);
                size = written + buffer.limit();
                out.force(true);
            }
            long before = in.size();
            onCommitter(() -> {
                committer.installCompaction(segment, copy, index, freed);
                return null;
            });
            oldestKept.put(segment, kept);
            reclaimed.accept(freed);
            return new CompactionStats(1, expiring, before, size);
        }
    }

    private interface Task<T> {
        T run() throws IOException;
    }

    private <T> T onCommitter(Task<T> task) throws IOException {
        try {
            return queue.call(task::run).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while the committer ran a compaction step", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException(e.getCause());
        }
    }

    /**
     * At open, before the journal is replayed: finishes or forgets a compaction a crash
     * interrupted. A marker whose {@code .compact} is still there was never installed (the
     * old segment is intact): the copy is deleted. A marker without it was installed: with
     * the checkpoint in use, that segment's index entries are rewritten from the segment and
     * fsynced (without a checkpoint, the replay rebuilds every index anyway). Stray copies
     * without a marker are deleted. Returns how many markers were found.
     */
    static int recover(StoreLayout layout, IndexFiles index, boolean checkpointInUse) throws IOException {
        int markers = 0;
        if (!Files.isDirectory(layout.journalDir())) {
            return 0;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(layout.journalDir(), "*" + MARKER_SUFFIX)) {
            for (Path marker : files) {
                String name = marker.getFileName().toString();
                int segment = Integer.parseInt(name.substring(0, name.length() - MARKER_SUFFIX.length()));
                Path copy = compactFile(layout, segment);
                if (Files.exists(copy)) {
                    Files.delete(copy);
                    LOG.log(Level.INFO, "an interrupted compaction of " + layout.segment(segment)
                            + " was never installed; its copy was deleted");
                } else if (checkpointInUse && Files.exists(layout.segment(segment))) {
                    reindex(layout, index, segment);
                    LOG.log(Level.INFO, "an interrupted compaction of " + layout.segment(segment)
                            + " was installed; its index entries were rewritten");
                }
                markers++;
            }
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(layout.journalDir(), "*" + COMPACT_SUFFIX)) {
            for (Path copy : files) {
                Files.delete(copy);
            }
        }
        if (markers > 0) {
            Durability.fsyncDirectory(layout.journalDir());
            try (DirectoryStream<Path> files = Files.newDirectoryStream(layout.journalDir(), "*" + MARKER_SUFFIX)) {
                for (Path marker : files) {
                    Files.delete(marker);
                }
            }
            Durability.fsyncDirectory(layout.journalDir());
        }
        return markers;
    }

    private static void reindex(StoreLayout layout, IndexFiles index, int segment) throws IOException {
        IndexBatch batch = new IndexBatch();
        try (FileChannel in = FileChannel.open(layout.segment(segment), StandardOpenOption.READ)) {
            SegmentScanner scan = new SegmentScanner(in, segment, SegmentHeader.BYTES);
            for (SegmentScanner.Step step = scan.next(); step instanceof SegmentScanner.Step.Entry entry;
                 step = scan.next()) {
                batch.add(entry.entry().channel(), entry.entry().seq(), entry.location());
            }
        }
        batch.writeTo(index);
        index.forceDirty();
    }
}
