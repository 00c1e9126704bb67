package chat.storage.internal;

import chat.storage.StorageException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Re-applies the journal from a position to the state and the index files, and cuts it at
 * the first record that is torn, damaged or out of sequence.
 *
 * <p>The recovery rule: the journal is valid up to its first bad record and nothing after
 * it counts, because group commit makes each fsync cover a prefix of the journal. Such a
 * record and everything after it (the rest of its segment, every later segment) was
 * never reported durable, or the disk damaged it; either way it is cut off (truncate,
 * fsync; later segments deleted, directory fsynced) and a warning names the file, the
 * offset and the bytes dropped. A record is applied only once it has been read whole and
 * checked, never half.
 */
final class JournalReplay {

    private static final System.Logger LOG = System.getLogger("chat.storage");
    private static final int INDEX_FLUSH_ENTRIES = 4096;

    private final StoreLayout layout;
    private final LiveState state;
    private final IndexFiles index;
    private final IndexBatch batch = new IndexBatch();
    private long replayed;

    JournalReplay(StoreLayout layout, LiveState state, IndexFiles index) {
        this.layout = layout;
        this.state = state;
        this.index = index;
    }

    long replayed() {
        return replayed;
    }

    /**
     * Replays {@code segments} (ascending, contiguous) from {@code start}, whose segment
     * is the first of them. Returns the end of the valid journal, or null if none is left.
     */
    JournalPosition run(List<Integer> segments, JournalPosition start) throws IOException, StorageException {
        JournalPosition end = null;
        for (int i = 0; i < segments.size(); i++) {
            int number = segments.get(i);
            var path = layout.segment(number);
            try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                if (channel.size() < SegmentHeader.BYTES) {
                    // Torn while being created: it never held a record.
                    long dropped = channel.size();
                    channel.close();
                    Files.delete(path);
                    cutLater(segments.subList(i, segments.size()), number, 0, "segment header cut short", dropped);
                    break;
                }
                ByteBuffer header = ByteBuffer.allocate(SegmentHeader.BYTES);
                Durability.readFully(channel, header, 0);
                SegmentHeader.check(header, path, number);
                long from = number == start.segment() ? start.offset() : SegmentHeader.BYTES;
                SegmentScanner.Step.Torn torn = replaySegment(new SegmentScanner(channel, number, from));
                if (torn == null) {
                    end = new JournalPosition(number, channel.size());
                    continue;
                }
                long dropped = channel.size() - torn.offset();
                // Later segments go first: a crash between the two steps must never leave a
                // cut segment followed by records written after what the cut removed.
                long[] later = deleteSegments(segments.subList(i + 1, segments.size()));
                channel.truncate(torn.offset());
                channel.force(true);
                end = new JournalPosition(number, torn.offset());
                logCut(number, torn.offset(), torn.reason(), dropped, later);
                break;
            }
        }
        batch.writeTo(index);
        return end;
    }

    /** Applies records until the segment ends (null) or a bad record is met. */
    private SegmentScanner.Step.Torn replaySegment(SegmentScanner scanner) throws IOException {
        while (true) {
            switch (scanner.next()) {
                case SegmentScanner.Step.End end -> {
                    return null;
                }
                case SegmentScanner.Step.Torn torn -> {
                    return torn;
                }
                case SegmentScanner.Step.Entry(var entry, var location) -> {
                    String misfit = state.misfit(entry);
                    if (misfit != null) {
                        return new SegmentScanner.Step.Torn(location.offset(), misfit);
                    }
                    batch.add(entry.channel(), entry.seq(), location);
                    state.apply(entry);
                    replayed++;
                    if (batch.size() >= INDEX_FLUSH_ENTRIES) {
                        batch.writeTo(index);
                    }
                }
            }
        }
    }

    /** Deletes the given segments and logs the whole cut. */
    private void cutLater(List<Integer> later, int cutSegment, long offset, String reason, long dropped)
            throws IOException {
        logCut(cutSegment, offset, reason, dropped, deleteSegments(later));
    }

    /**
     * Deletes segments, highest number first, then fsyncs the folder, so a crash midway
     * leaves a shorter journal, never one with a hole. Returns {count, bytes} deleted.
     */
    private long[] deleteSegments(List<Integer> segments) throws IOException {
        long bytes = 0;
        long deleted = 0;
        for (int k = segments.size() - 1; k >= 0; k--) {
            var path = layout.segment(segments.get(k));
            if (Files.exists(path)) {
                bytes += Files.size(path);
                Files.delete(path);
                deleted++;
            }
        }
        Durability.fsyncDirectory(layout.journalDir());
        return new long[] {deleted, bytes};
    }

    private void logCut(int cutSegment, long offset, String reason, long dropped, long[] later) {
        LOG.log(Level.WARNING, "journal cut at " + layout.segment(cutSegment) + " offset " + offset
                + " (" + reason + "): dropped " + dropped + " bytes there"
                + (later[0] == 0 ? "" : " and " + later[0] + " later segment(s) of " + later[1] + " bytes"));
    }
}
