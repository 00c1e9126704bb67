package chat.server;

/**
 * How much the server stores before it refuses new entries (docs/user-guide.md, "Server
 * limits"). Sizes count the payload bytes of stored entries: the signed, encrypted frames.
 * A refused entry gets {@code storageFull}; departures and key rotations are never refused
 * by a quota (they are small, and a rotation after a removal is what keeps the removed
 * member out), so a channel can always shed members even when its store is full.
 *
 * @param perUserBytes     what one user's messages, channel creations and invitations may
 *                         add up to over all channels; 0 = no limit
 * @param totalBytes       what every user's entries together may add up to; 0 = no limit
 * @param minFreeDiskBytes new entries are refused while the file system holding the journal
 *                         has less usable space than this, so the journal never fills the
 *                         disk and fails; 0 = no reserve
 */
public record Quotas(long perUserBytes, long totalBytes, long minFreeDiskBytes) {

    /** The reserve kept free on the journal's disk by default: 256 MiB. */
    public static final long DEFAULT_MIN_FREE_DISK_BYTES = 256L << 20;
    /** No quota, the default reserve. */
    public static final Quotas DEFAULT = new Quotas(0, 0, DEFAULT_MIN_FREE_DISK_BYTES);
    /** Nothing limited (tests on small disks). */
    public static final Quotas NONE = new Quotas(0, 0, 0);

    public Quotas {
        if (perUserBytes < 0 || totalBytes < 0 || minFreeDiskBytes < 0) {
            throw new IllegalArgumentException("storage limits must be 0 (none) or more, got " + perUserBytes + ", "
                    + totalBytes + ", " + minFreeDiskBytes);
        }
    }
}
