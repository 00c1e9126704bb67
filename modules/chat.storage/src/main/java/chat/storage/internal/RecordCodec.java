package chat.storage.internal;

import chat.storage.EntryKind;
import chat.storage.StoredEntry;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * The binary form of one journal record (big-endian):
 * <pre>
 *   u32 bodyLength | u32 CRC32C(body) | body
 *   body = u8 kind | i64 seq | i64 timestamp | i64 userSeq
 *        | u16 n, n bytes channel (UTF-8) | u16 n, actor | u16 n, subject (n = 0: none)
 *        | 32 bytes head | u32 n, n bytes payload
 * </pre>
 * The length is checked against {@link #MAX_BODY_BYTES} before anything is allocated, so a
 * torn or hostile length cannot make recovery allocate gigabytes.
 */
final class RecordCodec {

    static final int HEADER_BYTES = 8;
    /** kind, three longs, three name lengths, head, payload length, and 1-byte channel and actor. */
    static final int MIN_BODY_BYTES = 1 + 3 * 8 + 3 * 2 + StoredEntry.HEAD_BYTES + 4 + 2;
    /** The largest payload plus generous room for the fixed fields and three names. */
    static final int MAX_BODY_BYTES = StoredEntry.MAX_PAYLOAD_BYTES + 4096;
    static final int MAX_RECORD_BYTES = HEADER_BYTES + MAX_BODY_BYTES;

    private RecordCodec() {
    }

    /** An entry with its names already encoded, so its size is known before it is written. */
    record Prepared(StoredEntry entry, byte[] channel, byte[] actor, byte[] subject, int size) {

        /** Writes the whole record (header and body) at the buffer's position. */
        void writeTo(ByteBuffer out) {
            int start = out.position();
            out.position(start + HEADER_BYTES);
            out.put((byte) entry.kind().code());
            out.putLong(entry.seq()).putLong(entry.timestamp()).putLong(entry.userSeq());
            putName(out, channel);
            putName(out, actor);
            putName(out, subject);
            out.put(entry.head());
            out.putInt(entry.payload().length).put(entry.payload());
            int end = out.position();
            out.putInt(start, end - start - HEADER_BYTES);
            out.putInt(start + 4, crc(out.duplicate().limit(end).position(start + HEADER_BYTES)));
        }

        private static void putName(ByteBuffer out, byte[] name) {
            out.putShort((short) name.length).put(name);
        }
    }

    static Prepared prepare(StoredEntry entry) {
        byte[] channel = entry.channel().getBytes(StandardCharsets.UTF_8);
        byte[] actor = entry.actor().getBytes(StandardCharsets.UTF_8);
        byte[] subject = entry.subject() == null ? new byte[0] : entry.subject().getBytes(StandardCharsets.UTF_8);
        int body = 1 + 3 * 8 + 3 * 2 + channel.length + actor.length + subject.length
                + StoredEntry.HEAD_BYTES + 4 + entry.payload().length;
        return new Prepared(entry, channel, actor, subject, HEADER_BYTES + body);
    }

    /** The problem with a body length read from disk, or null if it is plausible. */
    static String checkLength(long bodyLength) {
        if (bodyLength < MIN_BODY_BYTES || bodyLength > MAX_BODY_BYTES) {
            return "record length " + bodyLength + " outside " + MIN_BODY_BYTES + ".." + MAX_BODY_BYTES;
        }
        return null;
    }

    /** CRC32C of the buffer's remaining bytes; the buffer's position is not moved. */
    static int crc(ByteBuffer body) {
        CRC32C crc = new CRC32C();
        crc.update(body.duplicate());
        return (int) crc.getValue();
    }

    /**
     * Decodes a body whose length and CRC were already checked. It can still be wrong (a
     * record written by a buggy server), and then it is refused as a whole.
     */
    static StoredEntry decodeBody(ByteBuffer body) throws CorruptDataException {
        try {
            int code = body.get() & 0xff;
            EntryKind kind = EntryKind.ofCode(code);
            if (kind == null) {
                throw new CorruptDataException("unknown entry kind " + code);
            }
            long seq = body.getLong();
            long timestamp = body.getLong();
            long userSeq = body.getLong();
            String channel = getName(body);
            String actor = getName(body);
            String subject = getName(body);
            byte[] head = new byte[StoredEntry.HEAD_BYTES];
            body.get(head);
            int payloadLength = body.getInt();
            if (payloadLength != body.remaining()) {
                throw new CorruptDataException("payload length " + payloadLength + " but "
                        + body.remaining() + " bytes remain in the record");
            }
            byte[] payload = new byte[payloadLength];
            body.get(payload);
            return new StoredEntry(channel, seq, timestamp, kind, actor, subject.isEmpty() ? null : subject,
                    userSeq, head, payload);
        } catch (BufferUnderflowException e) {
            throw new CorruptDataException("record body ends inside a field");
        } catch (IllegalArgumentException e) {
            throw new CorruptDataException("invalid entry: " + e.getMessage());
        }
    }

    /** The seq of an intact body (length and CRC checked), without decoding the rest. */
    static long seqOf(ByteBuffer body) {
        return body.getLong(body.position() + 1);
    }

    /** Whether an intact body belongs to the channel whose UTF-8 name is {@code channel}. */
    static boolean isChannel(ByteBuffer body, byte[] channel) {
        int at = body.position() + 1 + 3 * 8;
        if (body.remaining() < 1 + 3 * 8 + 2 + channel.length
                || (body.getShort(at) & 0xffff) != channel.length) {
            return false;
        }
        return body.slice(at + 2, channel.length).equals(ByteBuffer.wrap(channel));
    }

    private static String getName(ByteBuffer body) {
        byte[] bytes = new byte[body.getShort() & 0xffff];
        body.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
