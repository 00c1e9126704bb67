package chat.client.internal;

import chat.crypto.AesGcm;
import chat.crypto.CryptoException;
import chat.crypto.CryptoRandom;
import chat.crypto.MalformedInputException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * An append-only file of records sealed with AES-256-GCM under the device's state key.
 * Layout: the 8-byte magic {@code chatlog1}, then records of [u32 length][12-byte nonce]
 * [ciphertext+tag]. The associated data of record i is "chat-v1 state", the file's label
 * and i, so a record cannot be moved to another file or another place, nor dropped from
 * the middle, without the next one failing. Loading skips a whole record that fails its
 * check (a flipped bit), keeping those after it, and cuts the file at a record that is torn
 * (the tail of an interrupted write) or whose length cannot be right; a file whose header
 * is damaged is moved aside and started afresh. Each is logged and counted in
 * {@link #damage()}: channel entries are downloaded again, the caller reports the rest.
 */
final class SealedLog implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger("chat.client");
    private static final byte[] MAGIC = "chatlog1".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_RECORD = 4 << 20;

    private final Path file;
    private final byte[] label;
    private final AesGcm cipher;
    private final FileChannel channel;
    private long count;
    private int skipped;
    private long cutBytes;
    private Path movedAside;

    private SealedLog(Path file, String label, AesGcm cipher, FileChannel channel) {
        this.file = file;
        this.label = label.getBytes(StandardCharsets.UTF_8);
        this.cipher = cipher;
        this.channel = channel;
    }

    /** Opens (creating if needed) and reads every valid record. */
    static SealedLog open(Path file, String label, byte[] key, List<byte[]> records) throws IOException {
        AesGcm cipher;
        try {
            cipher = AesGcm.of(key);
        } catch (MalformedInputException e) {
            throw new IllegalArgumentException(e);
        }
        Path aside = null;
        if (Files.exists(file) && !hasMagic(file)) {
            aside = file.resolveSibling(file.getFileName() + ".damaged-" + System.currentTimeMillis());
            Files.move(file, aside);
            LOG.log(Level.WARNING, "{0} has a damaged header; it was moved to {1} and started afresh", file, aside);
        }
        FileChannel ch = FileChannel.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        SealedLog log = new SealedLog(file, label, cipher, ch);
        log.movedAside = aside;
        try {
            log.load(records);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        return log;
    }

    /** True if the file is shorter than the magic (new or torn at birth) or starts with it. */
    private static boolean hasMagic(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            if (ch.size() < MAGIC.length) {
                return true;
            }
            ByteBuffer magic = ByteBuffer.allocate(MAGIC.length);
            ch.read(magic, 0);
            return java.util.Arrays.equals(magic.array(), MAGIC);
        }
    }

    /** What loading found damaged, or null if nothing: for the caller to report. */
    String damage() {
        List<String> parts = new ArrayList<>();
        if (movedAside != null) {
            parts.add("its header was damaged: the old file is kept as " + movedAside.getFileName()
                    + " and a new one was started");
        }
        if (skipped > 0) {
            parts.add(skipped + " damaged record" + (skipped == 1 ? " was" : "s were") + " skipped, the records"
                    + " after " + (skipped == 1 ? "it" : "them") + " kept");
        }
        if (cutBytes > 0) {
            parts.add("a torn record at the end (" + cutBytes + " bytes) was cut");
        }
        return parts.isEmpty() ? null : file.getFileName() + ": " + String.join("; ", parts);
    }

    int skipped() {
        return skipped;
    }

    boolean startedAfresh() {
        return movedAside != null;
    }

    private void load(List<byte[]> records) throws IOException {
        long size = channel.size();
        if (size < MAGIC.length) {
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(MAGIC), 0);
            channel.position(MAGIC.length);
            return;
        }
        ByteBuffer magic = ByteBuffer.allocate(MAGIC.length);
        channel.read(magic, 0);
        if (!java.util.Arrays.equals(magic.array(), MAGIC)) {
            throw new IOException(file + " is not a chat state file");
        }
        long pos = MAGIC.length;
        ByteBuffer header = ByteBuffer.allocate(4);
        while (pos < size) {
            header.clear();
            if (channel.read(header, pos) < 4) {
                break;
            }
            int length = header.flip().getInt();
            if (length < AesGcm.NONCE_LENGTH + AesGcm.TAG_LENGTH || length > MAX_RECORD || pos + 4 + length > size) {
                break;
            }
            ByteBuffer body = ByteBuffer.allocate(length);
            channel.read(body, pos + 4);
            byte[] bytes = body.array();
            try {
                byte[] nonce = java.util.Arrays.copyOfRange(bytes, 0, AesGcm.NONCE_LENGTH);
                records.add(cipher.open(nonce, aad(count), bytes, AesGcm.NONCE_LENGTH, length - AesGcm.NONCE_LENGTH));
            } catch (CryptoException e) {
                if (pos + 4 + length == size) {
                    break; // the last record: a write that did not finish, cut below
                }
                // A damaged record in the middle: its length still frames it (the next record
                // opens at its index), so only this one is lost.
                skipped++;
                LOG.log(Level.WARNING, "{0}: record {1} at offset {2} is damaged and was skipped", file, count, pos);
            }
            count++;
            pos += 4 + length;
        }
        if (pos < size) {
            cutBytes = size - pos;
            LOG.log(Level.WARNING, "{0}: dropped {1} damaged bytes at the end (offset {2}); they will be fetched again",
                    file, size - pos, pos);
            channel.truncate(pos);
            channel.force(false);
        }
        channel.position(pos);
    }

    /** Replaces the file with exactly {@code records}, atomically (used to compact the outbox). */
    static void rewrite(Path file, String label, byte[] key, List<byte[]> records) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        try (SealedLog log = open(tmp, label, key, new ArrayList<>())) {
            for (byte[] record : records) {
                log.append(record);
            }
            log.sync();
        }
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    void append(byte[] plaintext) throws IOException {
        byte[] nonce = CryptoRandom.bytes(AesGcm.NONCE_LENGTH);
        byte[] ct;
        try {
            ct = cipher.seal(nonce, aad(count), plaintext);
        } catch (MalformedInputException e) {
            throw new IllegalStateException(e);
        }
        ByteBuffer buf = ByteBuffer.allocate(4 + nonce.length + ct.length);
        buf.putInt(nonce.length + ct.length).put(nonce).put(ct).flip();
        while (buf.hasRemaining()) {
            channel.write(buf);
        }
        count++;
    }

    void sync() throws IOException {
        channel.force(false);
    }

    long count() {
        return count;
    }

    private byte[] aad(long index) {
        ByteBuffer b = ByteBuffer.allocate(14 + label.length + 1 + 8);
        b.put("chat-v1 state ".getBytes(StandardCharsets.US_ASCII)).put(label).put((byte) 0).putLong(index);
        return b.array();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

}
