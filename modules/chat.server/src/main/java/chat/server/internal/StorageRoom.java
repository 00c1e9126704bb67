package chat.server.internal;

import chat.protocol.ErrorCode;
import chat.server.Quotas;
import chat.storage.EntryKind;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Whether an entry may still be stored: the sender's quota, the server's total and the
 * free space on the journal's disk (docs/user-guide.md, "Storage quotas"). Messages,
 * creations and invitations are refused with {@code storageFull} past a limit; departures
 * and rotations always pass (small, and what keeps a removed member out).
 */
final class StorageRoom {

    private static final System.Logger LOG = System.getLogger("chat.server");
    /** How stale the free-space figure may be: one statfs per second, not one per message. */
    private static final long DISK_CHECK_NANOS = 1_000_000_000L;

    private final Quotas quotas;
    private final FileStore disk;
    private final AtomicLong total;
    private volatile long usable = Long.MAX_VALUE;
    private volatile long checkedAt;
    private volatile boolean checked;
    private volatile boolean diskLow;

    StorageRoom(Quotas quotas, Path dataDir, long storedSoFar) {
        this.quotas = quotas;
        this.total = new AtomicLong(storedSoFar);
        FileStore store = null;
        if (quotas.minFreeDiskBytes() > 0 && dataDir != null) {
            try {
                store = Files.getFileStore(dataDir);
            } catch (IOException e) {
                LOG.log(Level.WARNING, "cannot watch the free space of {0} ({1}): the free-disk reserve is not enforced",
                        dataDir, e.toString());
            }
        }
        this.disk = store;
    }

    /** Whether quotas apply to this kind of entry at all. */
    static boolean counted(EntryKind kind) {
        return kind == EntryKind.MESSAGE || kind == EntryKind.CREATE || kind == EntryKind.INVITE;
    }

    /**
     * Refuses an entry of {@code bytes} from {@code user} that would pass a limit; the caller
     * holds the user's monitor (which guards their count).
     */
    void check(UserState user, EntryKind kind, long bytes) throws Rejection {
        if (!counted(kind)) {
            return;
        }
        if (quotas.perUserBytes() > 0 && user.storedBytes + bytes > quotas.perUserBytes()) {
            throw new Rejection(ErrorCode.STORAGE_FULL, user.name + " has stored " + user.storedBytes
                    + " bytes; this entry of " + bytes + " bytes would pass the quota of " + quotas.perUserBytes()
                    + " bytes per user (the server's --max-storage-per-user); nothing was stored");
        }
        if (quotas.totalBytes() > 0 && total.get() + bytes > quotas.totalBytes()) {
            throw new Rejection(ErrorCode.STORAGE_FULL, "the server stores " + total.get() + " bytes; this entry of "
                    + bytes + " bytes would pass its limit of " + quotas.totalBytes()
                    + " bytes (--max-storage); nothing was stored");
        }
        if (disk != null && lowOnDisk()) {
            throw new Rejection(ErrorCode.STORAGE_FULL, "the server's disk has " + usable
                    + " bytes free, less than the " + quotas.minFreeDiskBytes()
                    + " it keeps in reserve (--min-free-disk); nothing was stored");
        }
    }

    /** Counts an accepted entry; the caller holds the user's monitor. */
    void stored(UserState user, long bytes) {
        user.storedBytes += bytes;
        total.addAndGet(bytes);
    }

    /** Bytes no longer stored (compacted away); the caller holds the user's monitor. */
    void released(long bytes) {
        total.addAndGet(-bytes);
    }

    long total() {
        return total.get();
    }

    private boolean lowOnDisk() {
        long now = System.nanoTime();
        if (!checked || now - checkedAt > DISK_CHECK_NANOS) {
            synchronized (this) {
                if (!checked || now - checkedAt > DISK_CHECK_NANOS) {
                    try {
                        usable = disk.getUsableSpace();
                    } catch (IOException e) {
                        usable = Long.MAX_VALUE; // cannot tell: the journal's own errors stop the server if it is full
                    }
                    checkedAt = now;
                    checked = true;
                    boolean low = usable < quotas.minFreeDiskBytes();
                    if (low != diskLow) {
                        diskLow = low;
                        if (low) {
                            LOG.log(Level.WARNING, "the journal''s disk has {0} bytes free, less than the reserve of {1}"
                                    + " (--min-free-disk): new messages, channels and invitations are refused until"
                                    + " space is freed", usable, quotas.minFreeDiskBytes());
                        } else {
                            LOG.log(Level.INFO, "the journal''s disk has {0} bytes free again: storing new entries",
                                    usable);
                        }
                    }
                }
            }
        }
        return diskLow;
    }
}
