package chat.storage.internal;

import chat.storage.EntryCursor;
import chat.storage.StoredEntry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;
import java.util.NoSuchElementException;

/**
 * Reads seqs {@code next..last} of one channel: {@value #CHUNK_ENTRIES} index entries at a
 * time, then each record with one positional read. Memory stays at one chunk and one
 * record whatever the channel's length. It opens its own read handles, so it needs no
 * lock and runs beside the committer and other cursors; {@code last} is never beyond the
 * durable head, whose index entries and records were written before it was published.
 */
final class DiskCursor implements EntryCursor {

    private static final int CHUNK_ENTRIES = 256;

    /** An index entry that does not lead to the record it should: the index is repaired, not trusted. */
    static final class IndexMismatch extends IOException {
        IndexMismatch(String message) {
            super(message);
        }
    }

    private static final int MAX_ATTEMPTS = 2;

    private final StoreLayout layout;
    private final IndexRepair repair;
    private final String channel;
    private final long last;
    private final ByteBuffer chunk = ByteBuffer.allocate(CHUNK_ENTRIES * Location.BYTES).limit(0);
    private long next;
    private FileChannel indexFile;
    private FileChannel segmentFile;
    private int segment;
    private boolean closed;
    /** The compaction generation when the index chunk was read and when the segment was opened. */
    private long chunkGeneration;
    private long segmentGeneration;
    private int compactionRetries;

    DiskCursor(StoreLayout layout, IndexRepair repair, String channel, long first, long last) {
        this.layout = layout;
        this.repair = repair;
        this.channel = channel;
        this.next = first;
        this.last = last;
    }

    @Override
    public boolean hasNext() {
        return !closed && next <= last;
    }

    @Override
    public StoredEntry next() {
        if (!hasNext()) {
            throw new NoSuchElementException(closed ? "cursor is closed" : "no entry after seq " + last);
        }
        try {
            for (int attempt = 1; ; attempt++) {
                int generation = repair.generation(channel);
                try {
                    StoredEntry entry = read(nextLocation());
                    next++;
                    return entry;
                } catch (IndexMismatch | NoSuchFileException e) {
                    // Read the index again from this seq, through a fresh handle, after the repair.
                    chunk.clear().limit(0);
                    closeQuietly(indexFile);
                    indexFile = null;
                    long now = repair.compactionGeneration();
                    if (((now & 1) == 1 || now != chunkGeneration || now != segmentGeneration)
                            && compactionRetries++ < 16) {
                        // A compaction replaced a segment between our reads: not damage. Read
                        // the index and the segment again once it is installed.
                        closeSegment();
                        repair.awaitCompaction();
                        attempt--;
                        continue;
                    }
                    String problem = e instanceof NoSuchFileException ? "no such file: " + e.getMessage()
                            : e.getMessage();
                    if (attempt == MAX_ATTEMPTS) {
                        // The rebuilt index led to a record the rebuild had found intact, and
                        // it no longer is: the journal is changing under us. Never loop.
                        throw repair.damaged("channel " + channel + " seq " + next + " cannot be read from the"
                                + " journal: " + problem);
                    }
                    repair.repair(channel, next, last, generation, problem);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Location nextLocation() throws IOException {
        if (!chunk.hasRemaining()) {
            if (indexFile == null) {
                indexFile = FileChannel.open(layout.index(channel), StandardOpenOption.READ);
            }
            chunkGeneration = repair.compactionGeneration();
            int entries = (int) Math.min(CHUNK_ENTRIES, last - next + 1);
            chunk.clear().limit(entries * Location.BYTES);
            if (!Durability.readFully(indexFile, chunk, (next - 1) * Location.BYTES)) {
                throw new IndexMismatch(layout.index(channel) + " ends before the entry for seq " + next);
            }
            chunk.flip();
        }
        return Location.readFrom(chunk);
    }

    private StoredEntry read(Location location) throws IOException {
        check(layout, channel, next, location);
        if (segmentFile == null || segment != location.segment()) {
            closeSegment();
            segmentGeneration = repair.compactionGeneration();
            segmentFile = FileChannel.open(layout.segment(location.segment()), StandardOpenOption.READ);
            segment = location.segment();
        }
        return readRecord(layout, segmentFile, location, channel, next);
    }

    /** Refuses an index entry that cannot describe a record. */
    static void check(StoreLayout layout, String channel, long seq, Location location) throws IndexMismatch {
        if (location.length() < RecordCodec.HEADER_BYTES + RecordCodec.MIN_BODY_BYTES
                || location.length() > RecordCodec.MAX_RECORD_BYTES || location.offset() < SegmentHeader.BYTES) {
            throw new IndexMismatch(layout.index(channel) + " entry for seq " + seq + " is damaged (segment "
                    + location.segment() + ", length " + location.length() + ", offset " + location.offset() + ")");
        }
    }

    /**
     * Reads the record at {@code location} of {@code segmentFile} and checks that it is
     * whole (length, CRC) and is {@code channel}'s entry {@code seq}.
     */
    static StoredEntry readRecord(StoreLayout layout, FileChannel segmentFile, Location location, String channel,
                                  long seq) throws IOException {
        var file = layout.segment(location.segment());
        ByteBuffer record = ByteBuffer.allocate(location.length());
        String where = file + " offset " + location.offset();
        if (!Durability.readFully(segmentFile, record, location.offset())) {
            throw new IndexMismatch(where + ": record of channel " + channel + " seq " + seq
                    + " is cut short by the end of the file");
        }
        int bodyLength = record.getInt(0);
        ByteBuffer body = record.slice(RecordCodec.HEADER_BYTES, location.length() - RecordCodec.HEADER_BYTES);
        if (bodyLength != body.remaining() || RecordCodec.crc(body) != record.getInt(4)) {
            throw new IndexMismatch(where + ": record of channel " + channel + " seq " + seq
                    + " does not match its length or CRC");
        }
        try {
            StoredEntry entry = RecordCodec.decodeBody(body);
            if (!entry.channel().equals(channel) || entry.seq() != seq) {
                throw new CorruptDataException("it holds channel " + entry.channel() + " seq " + entry.seq());
            }
            return entry;
        } catch (CorruptDataException e) {
            throw new IndexMismatch(where + ": expected channel " + channel + " seq " + seq + ", but "
                    + e.getMessage());
        }
    }

    private void closeSegment() {
        closeQuietly(segmentFile);
        segmentFile = null;
    }

    private static void closeQuietly(FileChannel file) {
        if (file != null) {
            try {
                file.close();
            } catch (IOException ignored) {
                // a read-only handle: closing it cannot lose data
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        closeSegment();
        closeQuietly(indexFile);
        indexFile = null;
    }
}
