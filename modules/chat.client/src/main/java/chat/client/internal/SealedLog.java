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

    /** Not final: a log {@link #rewrite}n in a temporary file takes the name it was renamed to. */
    private Path file;
    private final byte[] label;
    private final AesGcm cipher;
    private final FileChannel channel;
    /** Appends not yet written to the file (only for a buffered log: see {@link #buffered}). */
    private final ByteBuffer pending;
    private long count;
    /** Where the next record goes: the file's end plus what {@link #pending} holds. */
    private long end;
    private int skipped;
    private long cutBytes;
    /** Records decrypted since opening (a test hook: a start must not read a channel's history). */
    long recordsRead;
    private Path movedAside;

    private SealedLog(Path file, String label, AesGcm cipher, FileChannel channel, boolean buffered) {
        this.file = file;
        this.label = label.getBytes(StandardCharsets.UTF_8);
        this.cipher = cipher;
        this.channel = channel;
        this.pending = buffered ? ByteBuffer.allocate(BUFFER) : null;
    }

    /** What a load hands each record: its index, its offset, its plaintext (null if it is damaged). */
    interface Visitor {
        /** False to stop reading here: the file is cut before this record. */
        boolean record(long index, long offset, byte[] plaintext) throws IOException;
    }

    /** Opens (creating if needed) and reads every valid record. */
    static SealedLog open(Path file, String label, byte[] key, List<byte[]> records) throws IOException {
        return open(file, label, key, false, MAGIC.length, 0, (i, at, r) -> {
            if (r != null) {
                records.add(r);
            }
            return true;
        });
    }

    /**
     * Opens (creating if needed) and reads the records from {@code offset} on, which must
     * be where record {@code index} starts (what precedes it is taken as it is, unread: the
     * caller vouches for it, e.g. from a snapshot). A buffered log keeps appends in memory
     * up to {@value #BUFFER} bytes until {@link #flush}, {@link #sync} or a read: what a
     * crash loses of it is what the caller can fetch again.
     */
    static SealedLog open(Path file, String label, byte[] key, boolean buffered, long offset, long index,
                          Visitor visitor) throws IOException {
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
        SealedLog log = new SealedLog(file, label, cipher, ch, buffered);
        log.movedAside = aside;
        try {
            log.load(aside == null ? offset : MAGIC.length, aside == null ? index : 0, visitor);
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

    private static final int BUFFER = 64 * 1024;

    private void load(long from, long index, Visitor visitor) throws IOException {
        long size = channel.size();
        if (size < MAGIC.length) {
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(MAGIC), 0);
            channel.position(MAGIC.length);
            end = MAGIC.length;
            return;
        }
        if (from > size) {
            throw new IOException(file + " is shorter (" + size + " bytes) than its record " + index + " at " + from);
        }
        ByteBuffer magic = ByteBuffer.allocate(MAGIC.length);
        channel.read(magic, 0);
        if (!java.util.Arrays.equals(magic.array(), MAGIC)) {
            throw new IOException(file + " is not a chat state file");
        }
        long pos = from;
        count = index;
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
            byte[] plaintext;
            recordsRead++;
            try {
                plaintext = openRecord(bytes, count);
            } catch (CryptoException e) {
                if (pos + 4 + length == size) {
                    break; // the last record: a write that did not finish, cut below
                }
                // A damaged record in the middle: its length still frames it (the next record
                // opens at its index), so only this one is lost.
                skipped++;
                LOG.log(Level.WARNING, "{0}: record {1} at offset {2} is damaged and was skipped", file, count, pos);
                plaintext = null;
            }
            if (!visitor.record(count, pos, plaintext)) {
                break;
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
        end = pos;
    }

    private byte[] openRecord(byte[] bytes, long index) throws CryptoException {
        byte[] nonce = java.util.Arrays.copyOfRange(bytes, 0, AesGcm.NONCE_LENGTH);
        return cipher.open(nonce, aad(index), bytes, AesGcm.NONCE_LENGTH, bytes.length - AesGcm.NONCE_LENGTH);
    }

    /**
     * Record {@code index}, which starts at {@code offset}; null if it is not there or does
     * not open (damaged, or not record {@code index}).
     */
    byte[] read(long offset, long index) throws IOException {
        flush();
        ByteBuffer header = ByteBuffer.allocate(4);
        if (offset < MAGIC.length || channel.read(header, offset) < 4) {
            return null;
        }
        int length = header.flip().getInt();
        if (length < AesGcm.NONCE_LENGTH + AesGcm.TAG_LENGTH || length > MAX_RECORD || offset + 4 + length > end) {
            return null;
        }
        ByteBuffer body = ByteBuffer.allocate(length);
        while (body.hasRemaining() && channel.read(body, offset + 4 + body.position()) > 0) {
            // read on
        }
        recordsRead++;
        try {
            return openRecord(body.array(), index);
        } catch (CryptoException e) {
            return null;
        }
    }

    /** Where the next record goes (the end of the file, with what is buffered). */
    long end() {
        return end;
    }

    /** Cuts the file before record {@code index}, which starts at {@code offset}. */
    void truncate(long offset, long index) throws IOException {
        flush();
        channel.truncate(offset);
        channel.force(false);
        channel.position(offset);
        end = offset;
        count = index;
    }

    /** The 16 bytes before {@code offset} (the tag of the record that ends there), or null. */
    byte[] tagBefore(long offset) throws IOException {
        flush();
        if (offset - AesGcm.TAG_LENGTH < MAGIC.length || offset > end) {
            return null;
        }
        ByteBuffer tag = ByteBuffer.allocate(AesGcm.TAG_LENGTH);
        channel.read(tag, offset - AesGcm.TAG_LENGTH);
        return tag.hasRemaining() ? null : tag.array();
    }

    /**
     * Replaces the file with exactly {@code records}, atomically, and returns it open for
     * appending (buffered or not, as {@link #open} would): they are written to a temporary
     * file, fsynced, renamed over {@code file} (the open channel follows the rename) and the
     * folder is fsynced. If this throws, {@code file} is as it was. Used to compact the outbox
     * and the meta log.
     */
    static SealedLog rewrite(Path file, String label, byte[] key, List<byte[]> records, boolean buffered)
            throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        SealedLog log = open(tmp, label, key, buffered, MAGIC.length, 0, (i, at, r) -> true);
        try {
            for (byte[] record : records) {
                log.append(record);
            }
            log.sync();
            Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            try {
                log.channel.close();
                Files.deleteIfExists(tmp);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        log.file = file;
        try (FileChannel dir = FileChannel.open(file.toAbsolutePath().getParent(), StandardOpenOption.READ)) {
            dir.force(true); // the rename itself durable
        } catch (IOException e) {
            LOG.log(Level.WARNING, "{0}: cannot sync its folder, so the rename may not survive a power loss: {1}",
                    file, e.toString());
        }
        return log;
    }

    void append(byte[] plaintext) throws IOException {
        byte[] nonce = CryptoRandom.bytes(AesGcm.NONCE_LENGTH);
        byte[] ct;
        try {
            ct = cipher.seal(nonce, aad(count), plaintext);
        } catch (MalformedInputException e) {
            throw new IllegalStateException(e);
        }
        int size = 4 + nonce.length + ct.length;
        count++;
        end += size;
        if (pending != null && size <= pending.remaining()) {
            pending.putInt(nonce.length + ct.length).put(nonce).put(ct);
            return;
        }
        flush();
        ByteBuffer buf = ByteBuffer.allocate(size);
        buf.putInt(nonce.length + ct.length).put(nonce).put(ct).flip();
        while (buf.hasRemaining()) {
            channel.write(buf);
        }
    }

    /** Writes what is buffered to the file (not durably: see {@link #sync}). */
    void flush() throws IOException {
        if (pending == null || pending.position() == 0) {
            return;
        }
        pending.flip();
        while (pending.hasRemaining()) {
            channel.write(pending);
        }
        pending.clear();
    }

    void sync() throws IOException {
        flush();
        channel.force(false);
    }

    /**
     * Makes durable what was {@link #flush}ed before this call began, without flushing: the
     * one method that may run on another thread than the appends (FileChannel is
     * thread-safe), so that a group commit's fsync does not hold up the records queued meanwhile.
     */
    void force() throws IOException {
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
        try {
            flush();
        } finally {
            channel.close();
        }
    }

}
