package chat.storage.internal;

import java.nio.ByteBuffer;

/**
 * Where one record sits in the journal, and its index-file form: 16 bytes, big-endian,
 * {@code u32 segment | u32 record length (header included) | u64 offset}. Storing the
 * length lets a reader fetch a record with one positional read.
 */
record Location(int segment, long offset, int length) {

    static final int BYTES = 16;

    void writeTo(ByteBuffer out) {
        out.putInt(segment).putInt(length).putLong(offset);
    }

    static Location readFrom(ByteBuffer in) {
        int segment = in.getInt();
        int length = in.getInt();
        long offset = in.getLong();
        return new Location(segment, offset, length);
    }
}
