package chat.storage.internal;

import chat.storage.StorageException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;

/**
 * Checks, at open, the journal before the checkpoint position, which replay does not read:
 * every record's length framing and CRC, nothing decoded. Sequential reads through a large
 * window and the JDK's CRC32C intrinsic make it cheap (see docs/storage.md, Performance).
 */
final class JournalVerifier {

    private static final System.Logger LOG = System.getLogger("chat.storage");
    private static final int WINDOW_BYTES = 8 << 20;

    /** The first bad record before the checkpoint, and how many bytes of the journal follow it. */
    record Damage(int segment, long offset, String reason, long bytesAfter) {
    }

    private JournalVerifier() {
    }

    /** The first damage in segments 1..{@code end.segment()} before {@code end}, or null. */
    static Damage verifyBefore(StoreLayout layout, JournalPosition end, int segments)
            throws IOException, StorageException {
        long started = System.nanoTime();
        long verified = 0;
        for (int number = 1; number <= end.segment(); number++) {
            var path = layout.segment(number);
            try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
                long size = channel.size();
                long stop = number == end.segment() ? end.offset() : size;
                ByteBuffer header = ByteBuffer.allocate(SegmentHeader.BYTES);
                if (!Durability.readFully(channel, header, 0)) {
                    return damage(layout, number, 0, "segment header cut short", segments, size);
                }
                SegmentHeader.check(header, path, number); // a foreign file is refused as at replay
                SegmentScanner scanner = new SegmentScanner(channel, number, SegmentHeader.BYTES, WINDOW_BYTES);
                long at = SegmentHeader.BYTES;
                while (at < stop) {
                    SegmentScanner.Step step = scanner.frame();
                    if (step instanceof SegmentScanner.Step.Torn torn) {
                        return damage(layout, number, torn.offset(), torn.reason(), segments, size);
                    }
                    if (step != null) {
                        return damage(layout, number, at, "the segment ends before the checkpointed position",
                                segments, size);
                    }
                    at = scanner.location().offset() + scanner.location().length();
                }
                verified += stop;
            }
        }
        long micros = Math.max(1, (System.nanoTime() - started) / 1000);
        long bytes = verified;
        LOG.log(Level.DEBUG, () -> "verified " + bytes + " bytes of journal before the checkpoint in "
                + micros / 1000 + " ms (" + bytes / micros + " MB/s)");
        return null;
    }

    private static Damage damage(StoreLayout layout, int number, long offset, String reason, int segments,
                                 long size) throws IOException {
        long after = size - offset;
        for (int s = number + 1; s <= segments; s++) {
            after += Files.size(layout.segment(s));
        }
        return new Damage(number, offset, reason, after);
    }
}
