package chat.storage.internal;

import chat.storage.StoredEntry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;

/**
 * Appends records to the journal's last segment through one reusable buffer, and rolls to
 * a new segment once the current one holds {@code segmentBytes}. Nothing written is
 * durable until {@link #commit}; the committer calls it once per batch (group commit).
 *
 * <p>A new segment is written (header), fsynced and its directory fsynced before any
 * record goes into it, and the segment it replaces is fsynced first, so the durable
 * journal is always a prefix of what was written. Used by the committer thread only.
 */
final class JournalWriter implements AutoCloseable {

    /** Holds the largest record; batches larger than this are written in several calls. */
    private static final int BUFFER_BYTES = 2 * RecordCodec.MAX_RECORD_BYTES;

    private final StoreLayout layout;
    private final FileOpener opener;
    private final long segmentBytes;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER_BYTES);
    private FileChannel channel;
    private int segment;
    private long written; // bytes in the segment file, excluding the buffer
    /** Timestamp of the oldest MESSAGE in the current segment; MIN_VALUE when unknown (continued at open). */
    private long oldestMessage = Long.MAX_VALUE;

    private JournalWriter(StoreLayout layout, FileOpener opener, long segmentBytes) {
        this.layout = layout;
        this.opener = opener;
        this.segmentBytes = segmentBytes;
    }

    /** Continues the journal at {@code end}, or starts segment 1 if there is no journal. */
    static JournalWriter open(StoreLayout layout, FileOpener opener, JournalPosition end, long segmentBytes)
            throws IOException {
        JournalWriter writer = new JournalWriter(layout, opener, segmentBytes);
        if (end == null) {
            writer.create(1);
        } else {
            writer.segment = end.segment();
            writer.written = end.offset();
            writer.channel = opener.open(layout.segment(end.segment()), StandardOpenOption.WRITE);
            writer.oldestMessage = end.offset() > SegmentHeader.BYTES ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        return writer;
    }

    /** Buffers one record and returns where it will be; may write earlier records out. */
    Location write(StoredEntry entry) throws IOException {
        RecordCodec.Prepared record = RecordCodec.prepare(entry);
        if (written + buffer.position() >= segmentBytes) {
            flush();
            channel.force(false);
            roll();
        }
        if (buffer.remaining() < record.size()) {
            flush();
        }
        Location location = new Location(segment, written + buffer.position(), record.size());
        if (entry.kind() == chat.storage.EntryKind.MESSAGE) {
            oldestMessage = Math.min(oldestMessage, entry.timestamp());
        }
        record.writeTo(buffer);
        return location;
    }

    /** Writes out what is buffered and fsyncs it: everything written so far is durable. */
    void commit() throws IOException {
        flush();
        channel.force(false);
    }

    /** The timestamp of the oldest message in the current segment (MIN_VALUE: maybe any; MAX_VALUE: none). */
    long oldestMessage() {
        return oldestMessage;
    }

    /** Closes the current segment (fsynced) and starts the next, unless it holds no record. */
    void rollNow() throws IOException {
        flush();
        if (written <= SegmentHeader.BYTES) {
            return;
        }
        channel.force(false);
        roll();
    }

    /** The end of the journal; meaningful after {@link #commit}. */
    JournalPosition position() {
        return new JournalPosition(segment, written + buffer.position());
    }

    private void flush() throws IOException {
        buffer.flip();
        int length = buffer.remaining();
        Durability.writeFully(channel, buffer, written);
        written += length;
        buffer.clear();
    }

    private void roll() throws IOException {
        FileChannel old = channel;
        create(segment + 1);
        old.close();
    }

    private void create(int number) throws IOException {
        var path = layout.segment(number);
        FileChannel created = opener.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        try {
            Durability.writeFully(created, SegmentHeader.encode(number), 0);
            created.force(true);
            Durability.fsyncDirectory(layout.journalDir());
        } catch (IOException e) {
            created.close();
            throw e;
        }
        channel = created;
        segment = number;
        oldestMessage = Long.MAX_VALUE;
        written = SegmentHeader.BYTES;
    }

    @Override
    public void close() throws IOException {
        if (channel != null) {
            channel.close();
        }
    }
}
