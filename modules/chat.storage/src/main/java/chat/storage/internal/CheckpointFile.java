package chat.storage.internal;

import chat.storage.ChannelState;
import chat.storage.RecoveredState;
import chat.storage.StoredEntry;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code checkpoint} file (big-endian):
 * <pre>
 *   "chatckpt" | u32 version (3) | u32 segment | u64 offset
 *   | u32 channel count, each: name | u64 headSeq | 32 bytes headHash | u32 member count, names
 *       | u32 admin count, names | u64 epoch | u8 rotationPending | u32 departed count, each: name | u64 seq
 *   | u32 user count, each: name | u64 lastUserSeq | u64 storedBytes
 *   | u32 CRC32C of everything before it
 * </pre>
 * where a name is u16 length + UTF-8. It is replaced atomically (write a temporary file,
 * fsync, rename over, fsync the directory), so a crash leaves the old or the new one,
 * never a mix; the CRC catches what the disk itself damages. A checkpoint of another version
 * (version 1 had no admins, epoch or departures, version 2 no stored bytes) is unusable:
 * recovery rescans the journal.
 */
final class CheckpointFile {

    private static final byte[] MAGIC = "chatckpt".getBytes(StandardCharsets.US_ASCII);
    /** Independent of the journal's format version: only the checkpoint's layout changed. */
    static final int VERSION = 3;
    /** Far above any real state; stops a damaged size from exhausting the heap. */
    private static final long MAX_BYTES = 1L << 30;

    private CheckpointFile() {
    }

    static void write(StoreLayout layout, Checkpoint checkpoint) throws IOException {
        byte[] bytes = encode(checkpoint);
        var tmp = layout.checkpointTempFile();
        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            Durability.writeFully(out, ByteBuffer.wrap(bytes), 0);
            out.force(true);
        }
        Files.move(tmp, layout.checkpointFile(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Durability.fsyncDirectory(layout.root());
    }

    /** The checkpoint, or empty if there is none yet. */
    static Optional<Checkpoint> read(StoreLayout layout) throws IOException, CorruptDataException {
        var file = layout.checkpointFile();
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new CorruptDataException("checkpoint is larger than " + MAX_BYTES + " bytes");
            }
            return Optional.of(decode(Files.readAllBytes(file)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    static byte[] encode(Checkpoint checkpoint) throws IOException {
        var bytes = new ByteArrayOutputStream();
        var out = new DataOutputStream(bytes);
        out.write(MAGIC);
        out.writeInt(VERSION);
        out.writeInt(checkpoint.position().segment());
        out.writeLong(checkpoint.position().offset());
        RecoveredState state = checkpoint.state();
        out.writeInt(state.channels().size());
        for (ChannelState channel : state.channels().values()) {
            writeName(out, channel.name());
            out.writeLong(channel.headSeq());
            out.write(channel.headHash());
            out.writeInt(channel.members().size());
            for (String member : channel.members()) {
                writeName(out, member);
            }
            out.writeInt(channel.admins().size());
            for (String admin : channel.admins()) {
                writeName(out, admin);
            }
            out.writeLong(channel.epoch());
            out.writeByte(channel.rotationPending() ? 1 : 0);
            out.writeInt(channel.departed().size());
            for (var departed : channel.departed().entrySet()) {
                writeName(out, departed.getKey());
                out.writeLong(departed.getValue());
            }
        }
        java.util.Set<String> users = new java.util.TreeSet<>(state.lastUserSeq().keySet());
        users.addAll(state.storedBytes().keySet());
        out.writeInt(users.size());
        for (String user : users) {
            writeName(out, user);
            out.writeLong(state.lastUserSeq().getOrDefault(user, 0L));
            out.writeLong(state.storedBytes().getOrDefault(user, 0L));
        }
        out.writeInt(RecordCodec.crc(ByteBuffer.wrap(bytes.toByteArray())));
        return bytes.toByteArray();
    }

    static Checkpoint decode(byte[] bytes) throws CorruptDataException {
        if (bytes.length < MAGIC.length + 4) {
            throw new CorruptDataException("checkpoint of " + bytes.length + " bytes is too short");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes, 0, bytes.length - 4);
        int stored = ByteBuffer.wrap(bytes).getInt(bytes.length - 4);
        if (RecordCodec.crc(in) != stored) {
            throw new CorruptDataException("checkpoint CRC mismatch");
        }
        try {
            byte[] magic = new byte[MAGIC.length];
            in.get(magic);
            if (!java.util.Arrays.equals(magic, MAGIC)) {
                throw new CorruptDataException("checkpoint has a bad magic");
            }
            int version = in.getInt();
            if (version != VERSION) {
                throw new CorruptDataException("checkpoint has format version " + version);
            }
            JournalPosition position = new JournalPosition(in.getInt(), in.getLong());
            int channelCount = count(in);
            Map<String, ChannelState> channels = new HashMap<>();
            for (int i = 0; i < channelCount; i++) {
                String name = readName(in);
                long headSeq = in.getLong();
                byte[] headHash = new byte[StoredEntry.HEAD_BYTES];
                in.get(headHash);
                List<String> members = names(in);
                List<String> admins = names(in);
                long epoch = in.getLong();
                byte pending = in.get();
                if (pending != 0 && pending != 1) {
                    throw new CorruptDataException("checkpoint has rotationPending " + pending);
                }
                int departedCount = count(in);
                Map<String, Long> departed = new HashMap<>();
                for (int d = 0; d < departedCount; d++) {
                    departed.put(readName(in), in.getLong());
                }
                channels.put(name, new ChannelState(name, headSeq, headHash, members, admins, epoch, pending == 1,
                        departed));
            }
            int userCount = count(in);
            Map<String, Long> users = new HashMap<>();
            Map<String, Long> storedBytes = new HashMap<>();
            for (int i = 0; i < userCount; i++) {
                String user = readName(in);
                long seq = in.getLong();
                long userBytes = in.getLong();
                if (seq < 0 || userBytes < 0) {
                    throw new CorruptDataException("checkpoint has a negative count for " + user);
                }
                if (seq > 0) {
                    users.put(user, seq);
                }
                storedBytes.put(user, userBytes);
            }
            if (in.hasRemaining()) {
                throw new CorruptDataException("checkpoint has " + in.remaining() + " trailing bytes");
            }
            return new Checkpoint(position, new RecoveredState(channels, users, storedBytes));
        } catch (BufferUnderflowException e) {
            throw new CorruptDataException("checkpoint ends inside a field");
        } catch (IllegalArgumentException e) {
            throw new CorruptDataException("checkpoint holds an invalid value: " + e.getMessage());
        }
    }

    /** A count, checked against the bytes left so a damaged one cannot size a huge list. */
    private static int count(ByteBuffer in) throws CorruptDataException {
        int count = in.getInt();
        if (count < 0 || count > in.remaining()) {
            throw new CorruptDataException("checkpoint count " + count + " exceeds its remaining bytes");
        }
        return count;
    }

    private static List<String> names(ByteBuffer in) throws CorruptDataException {
        int count = count(in);
        List<String> names = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            names.add(readName(in));
        }
        return names;
    }

    private static void writeName(DataOutputStream out, String name) throws IOException {
        byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
        out.writeShort(utf8.length);
        out.write(utf8);
    }

    private static String readName(ByteBuffer in) {
        byte[] utf8 = new byte[in.getShort() & 0xffff];
        in.get(utf8);
        return new String(utf8, StandardCharsets.UTF_8);
    }
}
