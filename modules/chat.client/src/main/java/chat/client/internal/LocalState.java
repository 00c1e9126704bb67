package chat.client.internal;

import chat.crypto.Hkdf;
import chat.protocol.ChannelEntry;
import chat.protocol.Message;
import chat.protocol.MessageCodec;
import chat.protocol.ProtocolException;
import chat.protocol.identity.DirectoryLog;
import chat.protocol.identity.IdentityKeys;
import chat.protocol.json.JsonException;
import chat.protocol.json.JsonParser;
import chat.protocol.json.ObjectBuilder;
import chat.protocol.json.ObjectReader;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * This device's memory, in {@code <bundle>/state/}, sealed under a key derived from the
 * user's private keys (so it opens only after the password unlocked them):
 * {@code channels/<hex name>.log} holds each channel's verified entries as delivered,
 * {@code outbox.log} the commands not yet acknowledged, {@code meta.log} the userSeq
 * counter and what was read. A second client on the same bundle at the same time (a
 * second terminal) finds the folder locked and keeps its state in memory only.
 */
final class LocalState implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger("chat.client");
    private static final byte[] SALT = "chat-v1 local state".getBytes(StandardCharsets.US_ASCII);

    private final Path dir;
    private final String selfName;
    private final byte[] key;
    private final boolean persistent;
    private final FileChannel lockChannel;
    private final FileLock lock;
    final Map<String, ChannelLedger> ledgers = new TreeMap<>();
    private final Map<String, ChannelArchive> archives = new LinkedHashMap<>();
    /** Entries between two snapshots of a channel: what a start after a crash re-reads at most (plus what came since). */
    static final int SNAPSHOT_EVERY = 4096;
    /** The commands found in the outbox at start, in order (the {@link Outbox} keeps them from then on). */
    final List<PendingOp> pending = new ArrayList<>();
    private SealedLog outbox;
    private SealedLog meta;
    long lastUserSeq;
    /** Users whose key you compared: name -> the fingerprint you compared (meta.log "verified"). */
    final Map<String, String> verified = new TreeMap<>();
    /** What loading found damaged and repaired, in sentences for the person (empty if nothing). */
    final List<String> damage = new ArrayList<>();
    /** The newest directory version the server has shown this device (meta.log "directoryServed"). */
    long directoryServed;
    /** The newest directory version this device has verified and announced (meta.log "directorySeen"). */
    long directorySeen;

    private LocalState(Path dir, byte[] key, boolean persistent, FileChannel lockChannel, FileLock lock, String selfName) {
        this.selfName = selfName;
        this.dir = dir;
        this.key = key;
        this.persistent = persistent;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    static LocalState open(Path bundleDir, IdentityKeys me, DirectoryLog directory) throws IOException {
        Path dir = bundleDir.resolve("state");
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        FileChannel lockChannel = FileChannel.open(dir.resolve("LOCK"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = lockChannel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        byte[] key = stateKey(me);
        if (lock == null) {
            lockChannel.close();
            LOG.log(Level.INFO, "{0} is in use by another client; this one keeps its state in memory", dir);
            LocalState state = new LocalState(dir, key, false, null, null, me.name());
            return state;
        }
        LocalState state = new LocalState(dir, key, true, lockChannel, lock, me.name());
        try {
            state.load(me, directory);
        } catch (IOException | RuntimeException e) {
            state.close();
            throw e;
        }
        return state;
    }

    /** The files of stored channel {@code name}, or null (a test hook). */
    ChannelArchive archive(String name) {
        return archives.get(name);
    }

    boolean persistent() {
        return persistent;
    }

    private static byte[] stateKey(IdentityKeys me) {
        byte[] s = me.signing().privateBytes();
        byte[] a = me.agreement().privateBytes();
        byte[] ikm = new byte[s.length + a.length];
        System.arraycopy(s, 0, ikm, 0, s.length);
        System.arraycopy(a, 0, ikm, s.length, a.length);
        java.util.Arrays.fill(s, (byte) 0);
        java.util.Arrays.fill(a, (byte) 0);
        byte[] prk = Hkdf.extract(SALT, ikm);
        java.util.Arrays.fill(ikm, (byte) 0);
        return Hkdf.expand(prk, "chat-v1 state key".getBytes(StandardCharsets.US_ASCII), 32);
    }

    private void load(IdentityKeys me, DirectoryLog directory) throws IOException {
        Path channels = Files.createDirectories(dir.resolve("channels"));
        // meta first: what was read decides what counts as unread while entries are applied
        List<byte[]> metaRecords = new ArrayList<>();
        Path metaFile = dir.resolve("meta.log");
        try (SealedLog read = SealedLog.open(metaFile, "meta", key, metaRecords)) {
            note(read);
        }
        Map<String, Long> readUpTo = new TreeMap<>();
        if (!metaRecords.isEmpty()) {
            readMeta(metaRecords.get(metaRecords.size() - 1), readUpTo);
        }
        try (var files = Files.list(channels)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".log")).sorted().toList()) {
                String hex = file.getFileName().toString().replaceFirst("\\.log$", "");
                String name;
                try {
                    name = new String(HexFormat.of().parseHex(hex), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    continue;
                }
                ChannelArchive archive = ChannelArchive.of(channels, name, key);
                ChannelLedger ledger = loadChannel(archive, me, directory, readUpTo.getOrDefault(name, 0L));
                if (ledger == null) {
                    archive.delete(); // nothing usable: the channel comes back whole from the server
                    continue;
                }
                ledgers.put(name, ledger);
                archives.put(name, archive);
                if (archive.snapshotSeq < ledger.lastSeq()) {
                    archive.writeSnapshot(ledger.lastSeq(), ledger.snapshot()); // the next start reads nothing again
                }
            }
        }

        List<byte[]> outboxRecords = new ArrayList<>();
        Path outboxFile = dir.resolve("outbox.log");
        try (SealedLog read = SealedLog.open(outboxFile, "outbox", key, outboxRecords)) {
            if (read.skipped() > 0 || read.startedAfresh()) {
                damage.add("the queue of unsent commands (outbox.log) was damaged: " + read.damage()
                        .replaceFirst("^outbox.log: ", "") + "; a command queued there may be lost (check with"
                        + " history that your last messages arrived), the others are kept");
            }
        }
        // The live commands in the order given, as the running Outbox keeps them: a command
        // that replaces another (signed at last, signed again, or sent back to wait under the
        // same userSeq) takes its place, so what waited behind a create, an invite or a
        // rotation still waits behind it after a restart.
        TreeMap<Long, PendingOp> live = new TreeMap<>(); // by place
        Map<Long, Long> places = new java.util.HashMap<>(); // userSeq -> place
        long nextPlace = 0;
        for (byte[] record : outboxRecords) {
            try {
                ObjectReader r = ObjectReader.of(JsonParser.withDefaults().parseObject(record), "outbox");
                if (r.has("done")) {
                    Long place = places.remove(r.integer("done"));
                    if (place != null) {
                        live.remove(place);
                    }
                } else {
                    PendingOp op = PendingOp.fromJson(r.object("op"));
                    Long place = r.has("replaces") ? places.remove(r.integer("replaces")) : null;
                    if (place == null) {
                        place = places.get(op.userSeq());
                    }
                    if (place == null) {
                        place = nextPlace++;
                    }
                    live.put(place, op);
                    places.put(op.userSeq(), place);
                    lastUserSeq = Math.max(lastUserSeq, op.userSeq());
                }
            } catch (JsonException e) {
                throw new IOException(outboxFile + ": unreadable record: " + e.getMessage());
            }
        }
        pending.addAll(live.values());
        // meta before the outbox is rewritten: the rewrite drops the records of the highest
        // userSeqs used, and the next start learns the counter from meta
        meta = SealedLog.rewrite(metaFile, "meta", key, List.of(metaBytes()), false);
        outbox = rewriteOutbox(pending);
    }

    /** {@code outbox.log} replaced by the records of {@code ops} alone, open for appending (see {@link SealedLog#rewrite}). */
    private SealedLog rewriteOutbox(List<PendingOp> ops) throws IOException {
        List<byte[]> records = new ArrayList<>(ops.size());
        for (PendingOp op : ops) {
            records.add(opRecord(op, null));
        }
        return SealedLog.rewrite(dir.resolve("outbox.log"), "outbox", key, records, true);
    }

    /**
     * A stored channel's ledger, or null if nothing usable is stored. With a snapshot that
     * matches the log (and its index), the ledger is the snapshot's and only the entries
     * recorded after it are read and applied again; without one (a state folder of an older
     * build, or a damaged snapshot) every entry is read and applied again, the index rebuilt
     * on the way. Entries are re-applied through the same verification as live ones
     * (signatures excepted: the file is authenticated by our own key); what does not apply,
     * and everything after it, is cut and fetched again from the server.
     */
    private ChannelLedger loadChannel(ChannelArchive archive, IdentityKeys me, DirectoryLog directory, long readUpTo)
            throws IOException {
        String name = archive.name;
        MessageCodec codec = new MessageCodec();
        ChannelArchive.Snapshot snap = archive.readSnapshot();
        if (snap != null && archive.logMatches(snap)) {
            List<long[]> tailAt = new ArrayList<>();
            List<byte[]> tail = new ArrayList<>();
            boolean opened = archive.open(snap.seq(), snap.logEnd(), ChannelLedger.snapshotHead(snap.ledger()),
                    (i, at, r) -> {
                        if (r == null) {
                            return false;
                        }
                        tailAt.add(new long[] {i + 1, at});
                        tail.add(r);
                        return true;
                    });
            ChannelLedger ledger = null;
            if (opened && archive.log().startedAfresh()) {
                opened = false; // the log's header was damaged: it was moved aside, nothing of it is usable
            }
            if (opened) {
                try {
                    ledger = ChannelLedger.restore(name, snap.ledger(), archive, me.name());
                } catch (IOException e) {
                    LOG.log(Level.WARNING, "{0}; the channel''s log is read again", e.getMessage());
                }
            }
            if (ledger != null && ledger.lastSeq() == snap.seq()) {
                archive.snapshotSeq = snap.seq();
                noteLog(archive);
                if (readUpTo > ledger.readUpTo) {
                    ledger.markRead(readUpTo); // read after the snapshot, so at or after its lastSeq
                }
                for (int k = 0; k < tail.size(); k++) {
                    if (!applyStored(ledger, codec, tail.get(k), directory, me)) {
                        cutAfter(archive, ledger, tailAt.get(k)[1]);
                        break;
                    }
                    archive.index(tailAt.get(k)[0], tailAt.get(k)[1]);
                }
                return ledger;
            }
            archive.close();
        }
        // No usable snapshot: every entry again, the index rebuilt from the first.
        ChannelLedger ledger = new ChannelLedger(name);
        ledger.readUpTo = readUpTo;
        ledger.attach(archive, me.name());
        archive.dropSnapshot();
        long[] cutAt = {-1};
        archive.open(0, 0, null, (i, at, r) -> {
            if (r == null || !applyStored(ledger, codec, r, directory, me)) {
                cutAt[0] = at;
                return false; // the log is cut here: the rest comes again from the server
            }
            archive.index(i + 1, at);
            return true;
        });
        noteLog(archive);
        if (cutAt[0] >= 0) {
            damage.add("the stored history of #" + name + " was damaged after entry #" + ledger.lastSeq()
                    + "; the entries after it are downloaded again");
        }
        return ledger.lastSeq() == 0 ? null : ledger;
    }

    /** Applies a stored entry again (trusted: our own sealed state); false if it does not apply. */
    private static boolean applyStored(ChannelLedger ledger, MessageCodec codec, byte[] record, DirectoryLog directory,
                                       IdentityKeys me) {
        Message entry;
        try {
            entry = codec.decode(record);
        } catch (ProtocolException e) {
            return false;
        }
        if (entry instanceof chat.protocol.Expired x) { // one record per entry of an expired run
            if (ledger.lastSeq() + 1 < x.fromSeq() || ledger.lastSeq() + 1 > x.toSeq()
                    || (ledger.lastSeq() + 1 == x.fromSeq() && ledger.checkExpired(x) != null)) {
                return false;
            }
            ledger.applyExpired(x);
            return true;
        }
        return entry instanceof ChannelEntry e
                && ledger.apply(e, record, directory, me, true) instanceof ChannelLedger.Outcome.Applied;
    }

    private void cutAfter(ChannelArchive archive, ChannelLedger ledger, long offset) throws IOException {
        archive.cut(ledger.lastSeq(), offset);
        damage.add("the stored history of #" + ledger.name + " was damaged after entry #" + ledger.lastSeq()
                + "; the entries after it are downloaded again");
    }

    private void noteLog(ChannelArchive archive) {
        if (archive.log() != null) {
            note(archive.log());
        }
    }

    /** Records what a channel or meta file's loading repaired (the outbox says more, above). */
    private void note(SealedLog log) {
        String d = log.damage();
        if (d != null && (log.skipped() > 0 || log.startedAfresh())) {
            damage.add(d);
        }
    }

    private void readMeta(byte[] record, Map<String, Long> readUpTo) throws IOException {
        try {
            ObjectReader r = ObjectReader.of(JsonParser.withDefaults().parseObject(record), "meta");
            lastUserSeq = Math.max(lastUserSeq, r.integer("lastUserSeq"));
            if (r.has("directorySeen")) {
                directorySeen = r.integer("directorySeen");
            }
            if (r.has("directoryServed")) {
                directoryServed = r.integer("directoryServed");
            }
            if (r.has("verified")) {
                ObjectReader marks = r.object("verified");
                for (String user : marks.names()) {
                    verified.put(user, marks.string(user));
                }
            }
            ObjectReader read = r.object("read");
            for (String channel : read.names()) {
                readUpTo.put(channel, read.integer(channel));
            }
        } catch (JsonException e) {
            throw new IOException("meta.log: " + e.getMessage());
        }
    }

    private byte[] metaBytes() {
        ObjectBuilder read = ObjectBuilder.create();
        ledgers.forEach((name, ledger) -> read.put(name, ledger.readUpTo));
        ObjectBuilder marks = ObjectBuilder.create();
        verified.forEach(marks::put);
        return ObjectBuilder.create().put("lastUserSeq", lastUserSeq).put("read", read).put("verified", marks)
                .put("directoryServed", directoryServed).put("directorySeen", directorySeen).canonical();
    }

    /**
     * The outbox record of {@code op}: the canonical form of {"op": op.toJson(), "replaces":
     * replaces}, written directly (every command is recorded two or three times on its way,
     * a bot's thousands a second); {@code LocalStateTest} checks it against the generic form.
     */
    static byte[] opRecord(PendingOp op, Long replaces) {
        StringBuilder out = new StringBuilder(op.message() == null ? 256 : 256 + op.message().length * 4 / 3);
        out.append("{\"op\":{");
        if (op.argument() != null) {
            out.append("\"argument\":");
            chat.protocol.json.Jcs.writeString(op.argument(), out);
            out.append(',');
        }
        out.append("\"channel\":");
        chat.protocol.json.Jcs.writeString(op.channel(), out);
        if (op.channelKey() != null) {
            out.append(",\"channelKey\":\"").append(java.util.Base64.getEncoder().encodeToString(op.channelKey()))
                    .append('"');
        }
        out.append(",\"kind\":\"").append(op.kind().name()).append('"');
        if (op.message() != null) {
            out.append(",\"message\":\"").append(java.util.Base64.getEncoder().encodeToString(op.message())).append('"');
        }
        out.append(",\"userSeq\":").append(op.userSeq()).append('}');
        if (replaces != null) {
            out.append(",\"replaces\":").append(replaces.longValue());
        }
        return out.append('}').toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /**
     * Records a verified entry, the newest of {@code ledger} (not fsynced: what a crash
     * loses is fetched again), and every {@value #SNAPSHOT_EVERY} entries a snapshot.
     */
    void recordEntry(ChannelLedger ledger, byte[] canonical) throws IOException {
        if (!persistent) {
            return;
        }
        ChannelArchive archive = archives.get(ledger.name);
        if (archive == null) {
            archive = ChannelArchive.of(dir.resolve("channels"), ledger.name, key);
            archive.create();
            archives.put(ledger.name, archive);
            for (long seq = 1; seq <= ledger.lastSeq(); seq++) {
                archive.put(seq, ledger.head(seq));
            }
            ledger.attach(archive, selfName);
        }
        archive.append(ledger.lastSeq(), canonical);
        if (ledger.lastSeq() - archive.snapshotSeq >= SNAPSHOT_EVERY) {
            snapshot(ledger, archive);
        }
    }

    /**
     * Writes {@code ledger}'s snapshot. The outbox is made durable first: a command whose
     * entry is in the snapshot is marked done on disk, so the snapshot need not remember
     * every entry of ours (see ChannelLedger's {@code own}).
     */
    private void snapshot(ChannelLedger ledger, ChannelArchive archive) throws IOException {
        outbox.sync();
        archive.writeSnapshot(ledger.lastSeq(), ledger.snapshot());
    }

    /**
     * Adds a command to the outbox, not yet durably: it is durable once {@link #forceOutbox}
     * has run after a {@link #flushOutbox} that returned at least the number returned here
     * (the count of outbox records up to and including this one; 0 if nothing is stored).
     */
    long putPending(PendingOp op, Long replaces) throws IOException {
        lastUserSeq = Math.max(lastUserSeq, op.userSeq());
        if (!persistent) {
            return 0;
        }
        outbox.append(opRecord(op, replaces));
        return outbox.count();
    }

    /**
     * Records in {@code outbox.log} beyond which, and beyond eight per live command, the
     * running client rewrites it with only the live commands ({@link #compactOutbox}): every
     * command leaves two or three records (queued, signed, done), so without it a bot's
     * outbox grew for as long as it ran. Eight per live command keeps the rewriting (under
     * the client's lock) under an eighth of the appending when a bot drains a large backlog.
     * The system property {@code chat.client.outboxCompactAfter} sets it (e2e tests lower it,
     * to rewrite often); package-private and not final: unit tests lower it too.
     */
    static long compactAfter = Math.max(1, Long.getLong("chat.client.outboxCompactAfter", 20_000));

    /** Whether {@code outbox.log} holds enough dead records to be worth rewriting, with {@code live} commands live. */
    boolean outboxWorthCompacting(int live) {
        return persistent && outbox.count() > compactAfter + 8L * live;
    }

    /**
     * Makes everything in {@code outbox.log} durable, and the userSeq counter in
     * {@code meta.log} (a rewrite drops the records of the highest userSeqs used, from which
     * the next start would learn it): the step before {@link #compactOutbox}, after which
     * every command recorded is durable whether the rewrite succeeds or not, and a crash that
     * loses the rewrite's rename finds the same commands in the old file.
     */
    void syncOutboxAndCounter() throws IOException {
        if (persistent) {
            outbox.sync();
            saveMeta();
            meta.sync();
        }
    }

    /**
     * Replaces {@code outbox.log} with the records of {@code live}, the commands not yet
     * ended, atomically (after {@link #syncOutboxAndCounter}): once this returns, every one
     * of them is durable in the new file; if it throws, the old file stays in use, unchanged.
     * Called by the {@link OutboxCommitter}'s thread under the owner's monitor, never while
     * {@link #forceOutbox} runs.
     */
    void compactOutbox(List<PendingOp> live) throws IOException {
        if (!persistent) {
            return;
        }
        SealedLog old = outbox;
        outbox = rewriteOutbox(live); // if it throws, nothing changed
        closeQuietly(old);
    }

    /** Records in {@code outbox.log}, live and dead. */
    long outboxRecords() {
        return persistent ? outbox.count() : 0;
    }

    /** Writes the outbox's buffered records to the file; returns how many records it holds. */
    long flushOutbox() throws IOException {
        if (!persistent) {
            return 0;
        }
        outbox.flush();
        return outbox.count();
    }

    /**
     * Makes what {@link #flushOutbox} wrote durable. Unlike everything else here, called
     * without the owner's monitor (see {@link OutboxCommitter}).
     */
    void forceOutbox() throws IOException {
        if (persistent) {
            outbox.force();
        }
    }

    void donePending(long userSeq) throws IOException {
        if (persistent) {
            outbox.append(ObjectBuilder.create().put("done", userSeq).canonical());
        }
    }

    void saveMeta() throws IOException {
        if (persistent) {
            meta.append(metaBytes());
        }
    }

    /** Makes everything recorded so far durable. */
    void sync() throws IOException {
        if (!persistent) {
            return;
        }
        outbox.sync();
        for (ChannelArchive archive : archives.values()) {
            ChannelLedger ledger = ledgers.get(archive.name);
            if (ledger != null && ledger.lastSeq() > archive.snapshotSeq) {
                archive.writeSnapshot(ledger.lastSeq(), ledger.snapshot());
            } else {
                archive.sync();
            }
        }
        meta.sync();
    }

    @Override
    public void close() {
        try {
            if (outbox != null && meta != null) {
                sync();
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "could not sync local state: {0}", e.toString());
        }
        for (ChannelArchive archive : archives.values()) {
            closeQuietly(archive);
        }
        closeQuietly(outbox); // null if loading failed before it was opened
        closeQuietly(meta);
        try {
            if (lock != null) {
                lock.release();
            }
            if (lockChannel != null) {
                lockChannel.close();
            }
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception ignored) {
                // closing anyway
            }
        }
    }
}
