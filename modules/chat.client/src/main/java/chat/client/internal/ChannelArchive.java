package chat.client.internal;

import chat.crypto.AesGcm;
import chat.crypto.CryptoException;
import chat.crypto.CryptoRandom;
import chat.crypto.MalformedInputException;
import chat.protocol.ChainHash;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Set;

/**
 * One stored channel on disk, so that neither a start nor memory grows with its history
 * (docs/files.md, "A client's state/ folder"):
 * <ul>
 * <li>{@code <hex>.log}: the verified entries as delivered, a {@link SealedLog} (record i is
 * entry i + 1);</li>
 * <li>{@code <hex>.idx}: for each entry, where its record starts in the log and the chain
 * head after it, in fixed-size sealed records ({@value #IDX_RECORD} bytes, record i for
 * entry i + 1, associated data {@code "chat-v1 state idx:" ‖ name ‖ 0x00 ‖ u64 seq}), so
 * that any head (rule 6) and any entry (history) is one read away;</li>
 * <li>{@code <hex>.snap}: the ledger's {@link ChannelLedger#snapshot} at some seq S, with
 * where record S ends in the log and its tag, sealed, replaced atomically.</li>
 * </ul>
 * Crash rule: a snapshot is written only after the log and the index hold everything up to
 * S durably (fsync), to a temporary file that is fsynced and then renamed over the old one;
 * a kill at any moment leaves the old snapshot or the new one, each backed by the log. The
 * log and index only grow past S, so what a start must read is what follows S.
 */
final class ChannelArchive implements ChannelLedger.Archive, AutoCloseable {

    private static final System.Logger LOG = System.getLogger("chat.client");
    private static final byte[] IDX_MAGIC = "chatidx1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SNAP_MAGIC = "chatsnp1".getBytes(StandardCharsets.US_ASCII);
    static final int IDX_RECORD = AesGcm.NONCE_LENGTH + 8 + 32 + AesGcm.TAG_LENGTH;
    /** Heads of the newest entries, kept in memory: views are almost always recent. */
    private static final int WINDOW = 4096;

    final String name;
    private final byte[] label;
    private final byte[] key;
    private final AesGcm cipher;
    private final Path logFile;
    private final Path idxFile;
    private final Path snapFile;
    private final byte[] genesis;
    private SealedLog log;
    private FileChannel idx;
    private final ByteBuffer idxPending = ByteBuffer.allocate(IDX_RECORD * 1024);
    /** Entries 1..indexed have an index record (in the file or in {@link #idxPending}). */
    private long indexed;
    private final byte[][] recent = new byte[WINDOW][];
    private long newest;
    /** The seq of the newest snapshot written or read (0: none). */
    long snapshotSeq;
    /** Set when an entry could not be recorded: nothing more is written, the next start re-reads the log. */
    private boolean broken;
    /** Index records read from disk since the start (a test hook: a start must not read the history). */
    long indexReads;

    private ChannelArchive(Path dir, String hex, String name, byte[] key) {
        this.name = name;
        this.label = ("chat-v1 state idx:" + name).getBytes(StandardCharsets.UTF_8);
        this.key = key;
        try {
            this.cipher = AesGcm.of(key);
        } catch (MalformedInputException e) {
            throw new IllegalArgumentException(e);
        }
        this.logFile = dir.resolve(hex + ".log");
        this.idxFile = dir.resolve(hex + ".idx");
        this.snapFile = dir.resolve(hex + ".snap");
        this.genesis = ChainHash.genesis(name);
    }

    static ChannelArchive of(Path dir, String name, byte[] key) {
        return new ChannelArchive(dir, java.util.HexFormat.of().formatHex(name.getBytes(StandardCharsets.UTF_8)), name,
                key);
    }

    Path logFile() {
        return logFile;
    }

    String logLabel() {
        return "channel:" + name;
    }

    // ------------------------------------------------------------------ opening

    /** The snapshot, checked: {@code [seq, logEnd, tag of record seq]} and the ledger's bytes, or null. */
    record Snapshot(long seq, long logEnd, byte[] tag, byte[] ledger) {
    }

    /** The snapshot on disk, or null if there is none or it does not open (then the log is read whole). */
    Snapshot readSnapshot() {
        if (!Files.exists(snapFile)) {
            return null;
        }
        try {
            byte[] all = Files.readAllBytes(snapFile);
            if (all.length < SNAP_MAGIC.length + AesGcm.NONCE_LENGTH + AesGcm.TAG_LENGTH + 32
                    || !Arrays.equals(all, 0, SNAP_MAGIC.length, SNAP_MAGIC, 0, SNAP_MAGIC.length)) {
                throw new IOException("not a snapshot");
            }
            byte[] nonce = Arrays.copyOfRange(all, SNAP_MAGIC.length, SNAP_MAGIC.length + AesGcm.NONCE_LENGTH);
            int from = SNAP_MAGIC.length + AesGcm.NONCE_LENGTH;
            byte[] plain = cipher.open(nonce, snapAad(), all, from, all.length - from);
            ByteBuffer b = ByteBuffer.wrap(plain);
            long seq = b.getLong();
            long logEnd = b.getLong();
            byte[] tag = new byte[AesGcm.TAG_LENGTH];
            b.get(tag);
            byte[] ledger = new byte[b.remaining()];
            b.get(ledger);
            return new Snapshot(seq, logEnd, tag, ledger);
        } catch (IOException | CryptoException | RuntimeException e) {
            LOG.log(Level.WARNING, "{0} does not open ({1}); the channel''s log is read again", snapFile, e.toString());
            return null;
        }
    }

    /**
     * Opens the index, cut to {@code seq} records, and the log from record {@code seq} on
     * (what precedes it was verified and is vouched for by the snapshot, whose newest head
     * is {@code head}); each following record goes to {@code tail}. With {@code seq} 0 the
     * whole log is read (and the index is rebuilt by the caller). False, with nothing read,
     * if the index does not hold {@code head} at {@code seq}: it is not the snapshot's.
     */
    boolean open(long seq, long logEnd, byte[] head, SealedLog.Visitor tail) throws IOException {
        openIndex(seq);
        if (seq > 0 && !indexHolds(seq, head)) {
            idx.close();
            return false;
        }
        log = SealedLog.open(logFile, logLabel(), key, true, seq == 0 ? 8 : logEnd, seq, tail);
        return true;
    }

    /** Starts a new channel's files (anything left under its name is dropped). */
    void create() throws IOException {
        dropSnapshot();
        openIndex(0);
        log = SealedLog.open(logFile, logLabel(), key, true, 8, 0, (i, at, r) -> false);
    }

    private void openIndex(long keep) throws IOException {
        idx = FileChannel.open(idxFile, Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        long size = idx.size();
        boolean ok = size >= IDX_MAGIC.length;
        if (ok) {
            ByteBuffer magic = ByteBuffer.allocate(IDX_MAGIC.length);
            idx.read(magic, 0);
            ok = Arrays.equals(magic.array(), IDX_MAGIC);
        }
        if (!ok || size < IDX_MAGIC.length + keep * IDX_RECORD) {
            keep = 0;
            idx.truncate(0);
            idx.write(ByteBuffer.wrap(IDX_MAGIC), 0);
        }
        idx.truncate(IDX_MAGIC.length + keep * IDX_RECORD);
        indexed = keep;
        newest = keep;
    }

    /** Whether the log that was opened is the one the snapshot describes: record {@code seq} ends at {@code logEnd} with {@code tag}. */
    boolean logMatches(Snapshot s) throws IOException {
        if (!Files.exists(logFile) || Files.size(logFile) < s.logEnd()) {
            return false;
        }
        try (FileChannel ch = FileChannel.open(logFile, StandardOpenOption.READ)) {
            ByteBuffer tag = ByteBuffer.allocate(AesGcm.TAG_LENGTH);
            ch.read(tag, s.logEnd() - AesGcm.TAG_LENGTH);
            return !tag.hasRemaining() && Arrays.equals(tag.array(), s.tag());
        }
    }

    /** True if the index holds head({@code seq}) = {@code head}: the index belongs to this log. */
    boolean indexHolds(long seq, byte[] head) {
        if (seq == 0) {
            return true;
        }
        long[] offset = new long[1];
        byte[] stored = readIndex(seq, offset);
        return stored != null && Arrays.equals(stored, head);
    }

    // ------------------------------------------------------------------ heads and entries

    @Override
    public byte[] get(long seq) {
        if (seq == 0) {
            return genesis.clone();
        }
        if (seq <= newest && seq > newest - WINDOW && recent[(int) (seq % WINDOW)] != null) {
            return recent[(int) (seq % WINDOW)].clone();
        }
        byte[] head = readIndex(seq, new long[1]);
        if (head == null) {
            // The index does not answer (damaged): it is derived from the log, so rebuild it.
            rebuildIndex();
            head = readIndex(seq, new long[1]);
            if (head == null) {
                throw new UncheckedIOException(new IOException("head #" + seq + " of " + name + " cannot be read"));
            }
        }
        return head;
    }

    @Override
    public void put(long seq, byte[] head) {
        recent[(int) (seq % WINDOW)] = head.clone();
        newest = seq;
    }

    @Override
    public byte[] entry(long seq) {
        long[] offset = new long[1];
        if (readIndex(seq, offset) == null) {
            return null;
        }
        try {
            return log.read(offset[0], seq - 1);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot read entry #{0} of {1}: {2}", seq, name, e.toString());
            return null;
        }
    }

    /** Records entry {@code seq} (just applied: its head is known) in the log and the index. */
    void append(long seq, byte[] canonical) throws IOException {
        if (broken) {
            return;
        }
        if (seq != indexed + 1) {
            broken = true;
            throw new IOException("entry #" + seq + " of " + name + " follows #" + indexed + " in the log; the log is"
                    + " read again at the next start");
        }
        long offset = log.end();
        log.append(canonical);
        index(seq, offset);
    }

    /** Indexes entry {@code seq}, whose record is in the log at {@code offset} already. */
    void index(long seq, long offset) throws IOException {
        byte[] plain = ByteBuffer.allocate(40).putLong(offset).put(get(seq)).array();
        byte[] nonce = CryptoRandom.bytes(AesGcm.NONCE_LENGTH);
        byte[] ct;
        try {
            ct = cipher.seal(nonce, idxAad(seq), plain);
        } catch (MalformedInputException e) {
            throw new IllegalStateException(e);
        }
        if (idxPending.remaining() < IDX_RECORD) {
            flushIndex();
        }
        idxPending.put(nonce).put(ct);
        indexed = seq;
    }

    private byte[] readIndex(long seq, long[] offset) {
        if (seq < 1 || seq > indexed) {
            return null;
        }
        try {
            flushIndex();
            ByteBuffer b = ByteBuffer.allocate(IDX_RECORD);
            long at = IDX_MAGIC.length + (seq - 1) * IDX_RECORD;
            while (b.hasRemaining() && idx.read(b, at + b.position()) > 0) {
                // read on
            }
            indexReads++;
            if (b.hasRemaining()) {
                return null;
            }
            byte[] r = b.array();
            byte[] plain = cipher.open(Arrays.copyOf(r, AesGcm.NONCE_LENGTH), idxAad(seq), r, AesGcm.NONCE_LENGTH,
                    r.length - AesGcm.NONCE_LENGTH);
            offset[0] = ByteBuffer.wrap(plain).getLong();
            return Arrays.copyOfRange(plain, 8, 40);
        } catch (IOException | CryptoException e) {
            LOG.log(Level.WARNING, "{0}: index record {1} does not open ({2})", idxFile, seq, e.toString());
            return null;
        }
    }

    /** Writes the index again from the log (whose records are the entries as delivered). */
    private void rebuildIndex() {
        LOG.log(Level.WARNING, "{0} is damaged; it is rebuilt from {1}", idxFile, logFile);
        try {
            long upTo = indexed;
            idxPending.clear();
            idx.truncate(IDX_MAGIC.length);
            indexed = 0;
            byte[][] head = {genesis};
            // Read the log through a second handle: the records are as they were appended and verified.
            try (SealedLog again = SealedLog.open(logFile, logLabel(), key, false, 8, 0, (i, at, r) -> {
                if (r == null || i >= upTo) {
                    return false;
                }
                head[0] = expiredHead(r, i + 1, head[0]);
                byte[] plain = ByteBuffer.allocate(40).putLong(at).put(head[0]).array();
                byte[] nonce = CryptoRandom.bytes(AesGcm.NONCE_LENGTH);
                try {
                    if (idxPending.remaining() < IDX_RECORD) {
                        flushIndex();
                    }
                    idxPending.put(nonce).put(cipher.seal(nonce, idxAad(i + 1), plain));
                } catch (MalformedInputException e) {
                    throw new IllegalStateException(e);
                }
                indexed = i + 1;
                return true;
            })) {
                flushIndex();
            }
            if (indexed < upTo) {
                broken = true;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final byte[] EXPIRED_SUFFIX = "\"type\":\"expired\"}".getBytes(StandardCharsets.UTF_8);

    /**
     * The head after record {@code seq}: the chain's next head, or for an entry of an
     * expired run (stored as its placeholder) the run's head at its last entry and the
     * unknown mark before it.
     */
    private static byte[] expiredHead(byte[] record, long seq, byte[] previous) {
        if (record.length > EXPIRED_SUFFIX.length && Arrays.equals(record, record.length - EXPIRED_SUFFIX.length,
                record.length, EXPIRED_SUFFIX, 0, EXPIRED_SUFFIX.length)) {
            try {
                if (new chat.protocol.MessageCodec().decode(record) instanceof chat.protocol.Expired x) {
                    return seq == x.toSeq() ? x.head().clone() : ChannelLedger.UNKNOWN_HEAD.clone();
                }
            } catch (chat.protocol.ProtocolException e) {
                // not a placeholder after all: chained as an entry
            }
        }
        return ChainHash.next(previous, record);
    }

    private void flushIndex() throws IOException {
        if (idxPending.position() == 0) {
            return;
        }
        idxPending.flip();
        long at = IDX_MAGIC.length + (indexed - idxPending.remaining() / IDX_RECORD) * IDX_RECORD;
        while (idxPending.hasRemaining()) {
            at += idx.write(idxPending, at);
        }
        idxPending.clear();
    }

    // ------------------------------------------------------------------ snapshots

    /** Whether an entry could not be recorded (then no snapshot is written: the next start reads the log). */
    boolean broken() {
        return broken;
    }

    /**
     * Makes the log and the index durable, then replaces the snapshot with {@code ledger}
     * (the state after entry {@code seq}, the newest recorded), atomically.
     */
    void writeSnapshot(long seq, byte[] ledger) throws IOException {
        if (broken || seq != indexed || seq == 0) {
            return;
        }
        log.sync();
        flushIndex();
        idx.force(false);
        long logEnd = log.end();
        byte[] tag = log.tagBefore(logEnd);
        if (tag == null) {
            return;
        }
        byte[] plain = ByteBuffer.allocate(16 + tag.length + ledger.length).putLong(seq).putLong(logEnd).put(tag)
                .put(ledger).array();
        byte[] nonce = CryptoRandom.bytes(AesGcm.NONCE_LENGTH);
        byte[] ct;
        try {
            ct = cipher.seal(nonce, snapAad(), plain);
        } catch (MalformedInputException e) {
            throw new IllegalStateException(e);
        }
        Path tmp = snapFile.resolveSibling(snapFile.getFileName() + ".tmp");
        try (FileChannel out = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rw-------")))) {
            ByteBuffer b = ByteBuffer.allocate(SNAP_MAGIC.length + nonce.length + ct.length).put(SNAP_MAGIC).put(nonce)
                    .put(ct).flip();
            while (b.hasRemaining()) {
                out.write(b);
            }
            out.force(false);
        }
        Files.move(tmp, snapFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        snapshotSeq = seq;
    }

    /** Removes the snapshot: the log changed under it (cut after damage). */
    void dropSnapshot() throws IOException {
        Files.deleteIfExists(snapFile);
        snapshotSeq = 0;
    }

    /** Cuts the log and the index after entry {@code seq}, whose record ends at {@code logEnd}. */
    void cut(long seq, long logEnd) throws IOException {
        dropSnapshot();
        log.truncate(logEnd, seq);
        flushIndex();
        idx.truncate(IDX_MAGIC.length + seq * IDX_RECORD);
        indexed = Math.min(indexed, seq);
    }

    long indexed() {
        return indexed;
    }

    SealedLog log() {
        return log;
    }

    void sync() throws IOException {
        if (log != null) {
            log.sync();
        }
        if (idx != null) {
            flushIndex();
            idx.force(false);
        }
    }

    /** Deletes the channel's files (nothing usable was in them). */
    void delete() throws IOException {
        close();
        Files.deleteIfExists(logFile);
        Files.deleteIfExists(idxFile);
        Files.deleteIfExists(snapFile);
    }

    @Override
    public void close() throws IOException {
        try {
            if (idx != null && idx.isOpen()) {
                flushIndex();
                idx.close();
            }
        } finally {
            if (log != null) {
                log.close();
            }
        }
    }

    private byte[] idxAad(long seq) {
        return ByteBuffer.allocate(label.length + 1 + 8).put(label).put((byte) 0).putLong(seq).array();
    }

    private byte[] snapAad() {
        return ("chat-v1 state snapshot:" + name).getBytes(StandardCharsets.UTF_8);
    }
}
