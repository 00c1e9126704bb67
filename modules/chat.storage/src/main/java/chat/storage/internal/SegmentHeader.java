package chat.storage.internal;

import chat.storage.StoreCorruptException;
import chat.storage.StoreFormatException;
import chat.storage.StorageException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The 16 bytes that open every segment: magic {@code "chatjrnl"}, u32 format version, u32
 * segment number. The number guards against a segment renamed or copied to the wrong
 * place; the magic against a foreign file, which recovery refuses rather than cut.
 */
final class SegmentHeader {

    static final int BYTES = 16;
    private static final byte[] MAGIC = "chatjrnl".getBytes(StandardCharsets.US_ASCII);

    private SegmentHeader() {
    }

    static ByteBuffer encode(int segment) {
        return ByteBuffer.allocate(BYTES).put(MAGIC).putInt(FormatMarker.VERSION).putInt(segment).flip();
    }

    static void check(ByteBuffer header, Path file, int expectedSegment) throws StorageException {
        byte[] magic = new byte[MAGIC.length];
        header.get(0, magic);
        if (!Arrays.equals(magic, MAGIC)) {
            throw new StoreCorruptException(file + " is not a chat journal segment (bad magic)");
        }
        int version = header.getInt(MAGIC.length);
        if (version != FormatMarker.VERSION) {
            throw new StoreFormatException(file + " has format version " + version
                    + "; this server reads version " + FormatMarker.VERSION);
        }
        int segment = header.getInt(MAGIC.length + 4);
        if (segment != expectedSegment) {
            throw new StoreCorruptException(file + " says it is segment " + segment
                    + " but is named as segment " + expectedSegment);
        }
    }
}
