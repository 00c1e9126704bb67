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
    private final byte[] key;
    private final boolean persistent;
    private final FileChannel lockChannel;
    private final FileLock lock;
    final Map<String, ChannelLedger> ledgers = new TreeMap<>();
    private final Map<String, SealedLog> channelLogs = new LinkedHashMap<>();
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

    private LocalState(Path dir, byte[] key, boolean persistent, FileChannel lockChannel, FileLock lock) {
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
            LocalState state = new LocalState(dir, key, false, null, null);
            return state;
        }
        LocalState state = new LocalState(dir, key, true, lockChannel, lock);
        try {
            state.load(me, directory);
        } catch (IOException | RuntimeException e) {
            state.close();
            throw e;
        }
        return state;
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
        MessageCodec codec = new MessageCodec();
        try (var files = Files.list(channels)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".log")).sorted().toList()) {
                String hex = file.getFileName().toString().replaceFirst("\\.log$", "");
                String name;
                try {
                    name = new String(HexFormat.of().parseHex(hex), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    continue;
                }
                List<byte[]> records = new ArrayList<>();
                SealedLog log = SealedLog.open(file, "channel:" + name, key, records);
                note(log);
                ChannelLedger ledger = new ChannelLedger(name);
                int applied = 0;
                for (byte[] record : records) {
                    Message entry;
                    try {
                        entry = codec.decode(record);
                    } catch (ProtocolException e) {
                        break;
                    }
                    if (!(entry instanceof ChannelEntry e)
                            || !(ledger.apply(e, record, directory, me, true) instanceof ChannelLedger.Outcome.Applied)) {
                        break;
                    }
                    applied++;
                }
                if (applied < records.size()) {
                    // What follows a lost or unusable entry cannot be chained: keep what applies,
                    // the server sends the rest again (the cursor is the last entry kept).
                    log.close();
                    SealedLog.rewrite(file, "channel:" + name, key, records.subList(0, applied));
                    log = SealedLog.open(file, "channel:" + name, key, new ArrayList<>());
                    damage.add("the stored history of #" + name + " was damaged after entry #" + ledger.lastSeq()
                            + "; the " + (records.size() - applied) + " entries after it are downloaded again");
                }
                if (applied == 0 && ledger.lastSeq() == 0) {
                    log.close();
                    Files.deleteIfExists(file); // nothing usable: the channel comes back whole from the server
                    continue;
                }
                ledgers.put(name, ledger);
                channelLogs.put(name, log);
            }
        }
        List<byte[]> metaRecords = new ArrayList<>();
        Path metaFile = dir.resolve("meta.log");
        try (SealedLog read = SealedLog.open(metaFile, "meta", key, metaRecords)) {
            note(read);
        }
        if (!metaRecords.isEmpty()) {
            readMeta(metaRecords.get(metaRecords.size() - 1));
        }
        SealedLog.rewrite(metaFile, "meta", key, List.of(metaBytes()));
        meta = SealedLog.open(metaFile, "meta", key, new ArrayList<>());

        List<byte[]> outboxRecords = new ArrayList<>();
        Path outboxFile = dir.resolve("outbox.log");
        try (SealedLog read = SealedLog.open(outboxFile, "outbox", key, outboxRecords)) {
            if (read.skipped() > 0 || read.startedAfresh()) {
                damage.add("the queue of unsent commands (outbox.log) was damaged: " + read.damage()
                        .replaceFirst("^outbox.log: ", "") + "; a command queued there may be lost (check with"
                        + " history that your last messages arrived), the others are kept");
            }
        }
        Map<Long, PendingOp> live = new LinkedHashMap<>();
        for (byte[] record : outboxRecords) {
            try {
                ObjectReader r = ObjectReader.of(JsonParser.withDefaults().parseObject(record), "outbox");
                if (r.has("done")) {
                    live.remove(r.integer("done"));
                } else {
                    PendingOp op = PendingOp.fromJson(r.object("op"));
                    live.put(op.userSeq(), op);
                    if (r.has("replaces")) {
                        live.remove(r.integer("replaces"));
                    }
                    lastUserSeq = Math.max(lastUserSeq, op.userSeq());
                }
            } catch (JsonException e) {
                throw new IOException(outboxFile + ": unreadable record: " + e.getMessage());
            }
        }
        pending.addAll(live.values());
        List<byte[]> compacted = new ArrayList<>();
        for (PendingOp op : pending) {
            compacted.add(opRecord(op, null));
        }
        SealedLog.rewrite(outboxFile, "outbox", key, compacted);
        outbox = SealedLog.open(outboxFile, "outbox", key, new ArrayList<>());
    }

    /** Records what a channel or meta file's loading repaired (the outbox says more, above). */
    private void note(SealedLog log) {
        String d = log.damage();
        if (d != null && (log.skipped() > 0 || log.startedAfresh())) {
            damage.add(d);
        }
    }

    private void readMeta(byte[] record) throws IOException {
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
                ChannelLedger ledger = ledgers.get(channel);
                if (ledger != null) {
                    ledger.readUpTo = read.integer(channel);
                }
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

    private static byte[] opRecord(PendingOp op, Long replaces) {
        return ObjectBuilder.create().put("op", op.toJson()).put("replaces", replaces).canonical();
    }

    /** Records a verified entry (not fsynced: what a crash loses is fetched again). */
    void recordEntry(ChannelLedger ledger, byte[] canonical) throws IOException {
        if (!persistent) {
            return;
        }
        SealedLog log = channelLogs.get(ledger.name);
        if (log == null) {
            String hex = HexFormat.of().formatHex(ledger.name.getBytes(StandardCharsets.UTF_8));
            log = SealedLog.open(dir.resolve("channels").resolve(hex + ".log"), "channel:" + ledger.name, key,
                    new ArrayList<>());
            channelLogs.put(ledger.name, log);
        }
        log.append(canonical);
    }

    /** Adds a command to the outbox, durably, before it is sent. */
    void putPending(PendingOp op, Long replaces) throws IOException {
        lastUserSeq = Math.max(lastUserSeq, op.userSeq());
        if (persistent) {
            outbox.append(opRecord(op, replaces));
            outbox.sync();
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
        for (SealedLog log : channelLogs.values()) {
            log.sync();
        }
        outbox.sync();
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
        for (SealedLog log : channelLogs.values()) {
            closeQuietly(log);
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
