package chat.storage.internal;

import chat.storage.StoredEntry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Reads one segment's records in order, for recovery, through a window of
 * {@value #WINDOW_BYTES} bytes so a long journal costs few reads and little memory. It
 * stops at the first record that is not whole and intact and says why; whether that
 * record also fits the state is the caller's question.
 */
final class SegmentScanner {

    private static final int WINDOW_BYTES = 1 << 20;

    /** What the next record turned out to be. */
    sealed interface Step {
        record Entry(StoredEntry entry, Location location) implements Step {
        }

        /** The segment ends cleanly here. */
        record End() implements Step {
        }

        /** The bytes from {@code offset} on are not a valid record. */
        record Torn(long offset, String reason) implements Step {
        }
    }

    private final FileChannel channel;
    private final int segment;
    private final long size;
    private final ByteBuffer window;
    private long windowStart;
    private long position;
    private ByteBuffer framedBody;
    private Location framedLocation;

    SegmentScanner(FileChannel channel, int segment, long start) throws IOException {
        this(channel, segment, start, WINDOW_BYTES);
    }

    /** With a read window of {@code windowBytes} (at least {@value #WINDOW_BYTES}). */
    SegmentScanner(FileChannel channel, int segment, long start, int windowBytes) throws IOException {
        this.channel = channel;
        this.segment = segment;
        this.size = channel.size();
        this.position = start;
        this.window = ByteBuffer.allocate(Math.max(windowBytes, WINDOW_BYTES)).limit(0);
    }

    Step next() throws IOException {
        long at = position;
        Step framing = frame();
        if (framing != null) {
            return framing;
        }
        try {
            return new Step.Entry(RecordCodec.decodeBody(framedBody), framedLocation);
        } catch (CorruptDataException e) {
            position = at;
            return new Step.Torn(at, e.getMessage());
        }
    }

    /**
     * Moves over the next record checking only its length framing and CRC, without
     * decoding it. Returns {@link Step.End} or {@link Step.Torn}, or null when the record
     * is intact: then {@link #body()} and {@link #location()} describe it until the next call.
     */
    Step frame() throws IOException {
        long at = position;
        if (at == size) {
            return new Step.End();
        }
        if (size - at < RecordCodec.HEADER_BYTES) {
            return new Step.Torn(at, "record header cut short by the end of the file");
        }
        ByteBuffer header = bytes(at, RecordCodec.HEADER_BYTES);
        long length = Integer.toUnsignedLong(header.getInt());
        int storedCrc = header.getInt();
        String badLength = RecordCodec.checkLength(length);
        if (badLength != null) {
            return new Step.Torn(at, badLength);
        }
        long end = at + RecordCodec.HEADER_BYTES + length;
        if (end > size) {
            return new Step.Torn(at, "record of " + length + " bytes runs past the end of the file");
        }
        ByteBuffer body = bytes(at + RecordCodec.HEADER_BYTES, (int) length);
        if (RecordCodec.crc(body) != storedCrc) {
            return new Step.Torn(at, "CRC mismatch");
        }
        position = end;
        framedBody = body;
        framedLocation = new Location(segment, at, (int) (end - at));
        return null;
    }

    /** The body of the record {@link #frame()} last passed (valid until the next call). */
    ByteBuffer body() {
        return framedBody;
    }

    /** Where the record {@link #frame()} last passed sits. */
    Location location() {
        return framedLocation;
    }

    /** The file's bytes [at, at + n) as a buffer valid until the next call. */
    private ByteBuffer bytes(long at, int n) throws IOException {
        if (n > window.capacity()) {
            ByteBuffer big = ByteBuffer.allocate(n);
            readFully(big, at);
            return big.flip();
        }
        if (at < windowStart || at + n > windowStart + window.limit()) {
            window.clear().limit((int) Math.min(window.capacity(), size - at));
            readFully(window, at);
            window.flip();
            windowStart = at;
        }
        int from = (int) (at - windowStart);
        return window.slice(from, n);
    }

    private void readFully(ByteBuffer buffer, long at) throws IOException {
        if (!Durability.readFully(channel, buffer, at)) {
            throw new IOException("segment " + segment + " shrank while it was being recovered");
        }
    }
}
