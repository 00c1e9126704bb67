package chat.storage;

import chat.storage.internal.ChannelJournal;
import chat.storage.internal.FileOpener;
import java.util.Objects;

/**
 * The server's journal of channel history: an embedded, crash-safe, append-only store of
 * {@link StoredEntry} values in one data directory.
 *
 * <p><b>Appending.</b> {@link #append} queues an entry and returns; one committer thread
 * writes everything queued in one go, fsyncs once for the whole batch (group commit) and
 * then calls each entry's {@link AppendCallback} in append order. Only then is the entry
 * durable and visible to {@link #durableHead} and {@link #read}. Appends to different
 * channels may come from any number of threads; appends to one channel must be
 * serialised by the caller, since each must carry the next seq.
 *
 * <p><b>Failure.</b> The first write or fsync error fails the store: that batch and every
 * later append is reported through {@link AppendCallback#failed}. The server should stop;
 * the next {@link #open} recovers.
 *
 * <p><b>Memory.</b> The store keeps per channel its head and members and per user a
 * sequence number, never anything per message: history of any length is read from disk
 * through per-channel index files.
 *
 * <p>The on-disk format and the recovery rule are described in {@code docs/storage.md}.
 */
public final class EntryStore implements HistoryStore {

    private final ChannelJournal journal;

    private EntryStore(ChannelJournal journal) {
        this.journal = journal;
    }

    /**
     * Opens the data directory (creating it if missing), locks it, checks its format
     * version, recovers it (a torn tail is cut off and logged as a warning on the
     * {@code chat.storage} logger) and starts the committer thread,
     * {@code chat-storage-committer}.
     *
     * @throws StoreLockedException  another store, in this process or another, has it open
     * @throws StoreFormatException  it was written in a format version this code does not read
     * @throws StoreCorruptException it holds what recovery must not cut (a foreign file, a missing segment,
     *                               damage in the middle of the journal: see {@link #repair})
     * @throws StoreIOException      the file system refused an operation
     */
    public static EntryStore open(StoreOptions options) throws StorageException {
        return open(options, FileOpener.DEFAULT);
    }

    /** For tests: opens with journal segments opened by {@code opener}, to inject failures. */
    static EntryStore open(StoreOptions options, FileOpener opener) throws StorageException {
        return new EntryStore(ChannelJournal.open(Objects.requireNonNull(options, "options"), opener, false));
    }

    /**
     * Repairs a journal damaged in the middle (which {@link #open} refuses): everything from
     * the first bad record on is moved into {@code damaged-<time>/} in the data folder, and
     * the journal is cut there. Opens and closes the store; what is left opens normally.
     */
    public static void repair(StoreOptions options) throws StorageException {
        ChannelJournal.open(Objects.requireNonNull(options, "options"), FileOpener.DEFAULT, true).close();
    }

    /**
     * Checks, without creating, locking or changing anything, that {@link #open} could use
     * {@code directory}: it is a folder this process may write (or one it may create), no
     * other server holds it, and its format is one this code reads. For
     * {@code chat server --check}.
     *
     * @return what was found, as a phrase: "a journal of N segments", "an empty folder" or
     *         "not there yet: the server creates it"
     * @throws StoreLockedException another server has it open
     * @throws StoreFormatException it was written in a format version this code does not read
     * @throws StoreIOException     it cannot be created, written or read
     */
    public static String check(java.nio.file.Path directory) throws StorageException {
        return chat.storage.internal.StoreCheck.check(new chat.storage.internal.StoreLayout(
                Objects.requireNonNull(directory, "directory").toAbsolutePath()));
    }

    @Override
    public String describe() {
        return journal.describe();
    }

    /**
     * Starts the retention period: MESSAGE entries older than {@code retain} (by their
     * server timestamp) lose their payload and become EXPIRED entries, which keep seq,
     * timestamp, actor, userSeq and chain head. A background thread,
     * {@code chat-storage-compactor}, runs a pass now and then every {@code every}: it
     * closes the current segment if it holds an expired message, checkpoints, and rewrites
     * each closed segment that holds one (see {@code docs/storage.md}, "Compaction").
     * {@code reclaimed} is called on that thread with the payload bytes each user got back.
     *
     * @throws IllegalArgumentException a duration is not positive
     * @throws IllegalStateException    retention already runs, or the store is closed
     */
    public void startRetention(java.time.Duration retain, java.time.Duration every,
                               java.util.function.Consumer<java.util.Map<String, Long>> reclaimed) {
        startRetention(retain, every, System::currentTimeMillis, reclaimed);
    }

    /** For tests: with the clock that decides what has expired. */
    public void startRetention(java.time.Duration retain, java.time.Duration every,
                               java.util.function.LongSupplier clock,
                               java.util.function.Consumer<java.util.Map<String, Long>> reclaimed) {
        if (retain.isNegative() || retain.isZero() || every.isNegative() || every.isZero()) {
            throw new IllegalArgumentException("retention " + retain + " and compaction interval " + every
                    + " must be positive");
        }
        journal.startRetention(retain.toMillis(), every.toMillis(), Objects.requireNonNull(clock, "clock"),
                Objects.requireNonNull(reclaimed, "reclaimed"));
    }

    /**
     * One compaction pass now, on the calling thread (never at the same time as the
     * background one).
     *
     * @throws IllegalStateException {@link #startRetention} was not called
     * @throws java.io.IOException   a file could not be read or written (the store fails
     *                               only if the journal was changed)
     */
    public CompactionStats compactNow() throws java.io.IOException {
        return journal.compactNow();
    }

    /** The state as of open: every channel's head and members, every user's last userSeq. */
    @Override
    public RecoveredState recoveredState() {
        return journal.recoveredState();
    }

    /**
     * Queues an entry to be made durable; its callback runs on the committer thread once it
     * is (or once the store has failed). Blocks while {@link StoreOptions#maxPendingEntries}
     * entries are waiting (uninterruptibly: the committer drains the queue whatever
     * happens), except when called from a callback.
     *
     * @throws IllegalArgumentException the seq is not the channel's durable-or-pending head
     *                                  + 1 (the message names the expected seq), a CREATE names
     *                                  an existing channel, or any other kind a missing one
     * @throws IllegalStateException    the store is closed
     */
    @Override
    public void append(StoredEntry entry, AppendCallback callback) {
        Objects.requireNonNull(entry, "entry");
        Objects.requireNonNull(callback, "callback");
        journal.append(entry, callback);
    }

    /** The seq of the channel's last durable entry, 0 if it has none (or does not exist). */
    @Override
    public long durableHead(String channel) {
        return journal.durableHead(Objects.requireNonNull(channel, "channel"));
    }

    /** Counters since open: durable entries, group commits (journal fsyncs), checkpoints, failure. */
    @Override
    public StoreStats stats() {
        return journal.stats();
    }

    /**
     * A cursor over the channel's entries {@code afterSeq + 1 .. min(toSeqInclusive,
     * durableHead)}, as of now; empty for an unknown channel or an empty range. Safe to
     * use while other threads append and read. Close it.
     *
     * @throws IllegalArgumentException {@code afterSeq} is negative
     * @throws IllegalStateException    the store is closed
     */
    @Override
    public EntryCursor read(String channel, long afterSeq, long toSeqInclusive) {
        Objects.requireNonNull(channel, "channel");
        if (afterSeq < 0) {
            throw new IllegalArgumentException("afterSeq " + afterSeq + " is negative");
        }
        return journal.read(channel, afterSeq, toSeqInclusive);
    }

    /**
     * The chain head stored with the channel's durable entry {@code seq}, or null if there is
     * none; for checks that need one head, not the entry (two positional reads through
     * handles the store keeps open, where a cursor opens and closes two files).
     *
     * @throws JournalDamageException the journal cannot supply the entry
     * @throws IllegalStateException  the store is closed
     */
    @Override
    public byte[] headAt(String channel, long seq) {
        return journal.headAt(Objects.requireNonNull(channel, "channel"), seq);
    }

    /**
     * Stops accepting appends (later ones throw {@link IllegalStateException}), commits
     * everything already appended and runs its callbacks, writes a checkpoint, closes the
     * files and releases the lock. Idempotent. Cursors still open keep working on the
     * files until they are closed. Must not be called from an append callback.
     */
    @Override
    public void close() {
        journal.close();
    }
}
