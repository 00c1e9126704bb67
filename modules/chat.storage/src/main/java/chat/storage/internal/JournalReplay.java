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
 * <p>The recovery rule: a torn tail is cut. Group commit makes each fsync cover a prefix
 * of the journal, so a bad record with nothing valid after it is the last, unacknowledged
 * write: it and the rest of its segment are cut off (truncate, fsync) and a warning names
 * the file, the offset and the bytes dropped. A bad record <em>followed</em> by valid
 * records or later segments is damage in the middle of acknowledged data: recovery then
 * refuses to start with a sentence naming the place, deletes nothing, and only a repair
 * (asked for explicitly) cuts there, after moving everything from the damage on into
 * {@code damaged-<time>/} beside the journal. A record is applied only once it has been
 * read whole and checked, never half.
 */
final class JournalReplay {

    private static final System.Logger LOG = System.getLogger("chat.storage");
    private static final int INDEX_FLUSH_ENTRIES = 4096;

    private final StoreLayout layout;
    private final LiveState state;
    private final IndexFiles index;
    private final IndexBatch batch = new IndexBatch();
    private final boolean repair;
    private final JournalPosition vouched;
    private long replayed;

    JournalReplay(StoreLayout layout, LiveState state, IndexFiles index, boolean repair) {
        this(layout, state, index, repair, null);
    }

    /**
     * With {@code vouched}, the position of a checkpoint that was discarded for damage
     * before it: a bad record before that position was acknowledged, so it is damage in
     * the middle (moved aside on repair) even with nothing valid after it.
     */
    JournalReplay(StoreLayout layout, LiveState state, IndexFiles index, boolean repair, JournalPosition vouched) {
        this.layout = layout;
        this.state = state;
        this.index = index;
        this.repair = repair;
        this.vouched = vouched;
    }

    /** The refusal for damage in the middle of the journal, with what the operator should do. */
    static String middleDamage(StoreLayout layout, java.nio.file.Path path, long offset, String reason,
                               long bytesAfter) {
        return "the journal is damaged in the middle, not at its end: " + path + " at offset " + offset + " ("
                + reason + "), with " + bytesAfter + " bytes of acknowledged entries after it. Nothing"
                + " was deleted. Keep a copy of " + layout.root() + ", then start the server once with"
                + " --repair-journal: it moves everything from the damage on into a damaged-<time>"
                + " folder there and starts with the entries before it";
    }

    private boolean vouchedFor(int number, long offset) {
        return vouched != null && (number < vouched.segment()
                || (number == vouched.segment() && offset < vouched.offset()));
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
                List<Integer> after = segments.subList(i + 1, segments.size());
                if (vouchedFor(number, torn.offset()) || followedByData(channel, number, torn, after)) {
                    if (!repair) {
                        throw new chat.storage.StoreCorruptException(middleDamage(layout, path, torn.offset(),
                                torn.reason(), dropped + laterBytes(after)));
                    }
                    moveAside(channel, number, torn.offset(), after);
                    after = List.of();
                }
                // Later segments go first: a crash between the two steps must never leave a
                // cut segment followed by records written after what the cut removed.
                long[] later = deleteSegments(after);
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

    /**
     * Whether valid data follows the bad record at {@code torn}: a later segment with any
     * record bytes, or, when the bad record's length still frames it, a valid record right
     * after it. A torn last write has neither.
     */
    private boolean followedByData(FileChannel channel, int number, SegmentScanner.Step.Torn torn, List<Integer> later)
            throws IOException {
        for (int s : later) {
            // A later segment whose first record is valid (not merely a length the file
            // system extended over zeros in a crash).
            try (FileChannel ch = FileChannel.open(layout.segment(s), StandardOpenOption.READ)) {
                if (ch.size() > SegmentHeader.BYTES
                        && new SegmentScanner(ch, s, SegmentHeader.BYTES).next() instanceof SegmentScanner.Step.Entry) {
                    return true;
                }
            }
        }
        ByteBuffer length = ByteBuffer.allocate(4);
        if (channel.read(length, torn.offset()) < 4) {
            return false;
        }
        long body = Integer.toUnsignedLong(length.flip().getInt());
        long next = torn.offset() + RecordCodec.HEADER_BYTES + body;
        if (RecordCodec.checkLength(body) != null || next >= channel.size()) {
            return false;
        }
        return new SegmentScanner(channel, number, next).next() instanceof SegmentScanner.Step.Entry;
    }

    private long laterBytes(List<Integer> later) throws IOException {
        long bytes = 0;
        for (int s : later) {
            bytes += Files.size(layout.segment(s));
        }
        return bytes;
    }

    /**
     * The repair: copies the segment's bytes from {@code offset} and moves every later
     * segment into {@code damaged-<time>/} beside the journal, durably, before anything is
     * cut; so the repair loses nothing for good (an expert can still read them).
     */
    private void moveAside(FileChannel channel, int number, long offset, List<Integer> later) throws IOException {
        java.nio.file.Path aside = Files.createDirectory(layout.root().resolve("damaged-" + System.currentTimeMillis()));
        java.nio.file.Path tail = aside.resolve(layout.segment(number).getFileName() + ".from-" + offset);
        try (FileChannel out = FileChannel.open(tail, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            long pos = offset;
            while (pos < channel.size()) {
                pos += channel.transferTo(pos, channel.size() - pos, out);
            }
            out.force(true);
        }
        for (int k = later.size() - 1; k >= 0; k--) {
            java.nio.file.Path segment = layout.segment(later.get(k));
            Files.move(segment, aside.resolve(segment.getFileName()));
        }
        Durability.fsyncDirectory(aside);
        Durability.fsyncDirectory(layout.root());
        Durability.fsyncDirectory(layout.journalDir());
        LOG.log(Level.WARNING, "journal repair: everything from " + layout.segment(number) + " offset " + offset
                + " on (" + (later.size()) + " later segment(s) too) was moved to " + aside);
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
