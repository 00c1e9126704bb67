package chat.storage;

/**
 * What one compaction pass did.
 *
 * @param segments    journal segments rewritten
 * @param expired     messages that expired in them (their payloads dropped)
 * @param bytesBefore size of those segments before
 * @param bytesAfter  size of those segments after
 */
public record CompactionStats(int segments, long expired, long bytesBefore, long bytesAfter) {

    /** A pass that rewrote nothing. */
    public static final CompactionStats NONE = new CompactionStats(0, 0, 0, 0);

    /** The sum of two passes (or of two segments of one). */
    public CompactionStats plus(CompactionStats other) {
        return new CompactionStats(segments + other.segments, expired + other.expired,
                bytesBefore + other.bytesBefore, bytesAfter + other.bytesAfter);
    }
}
