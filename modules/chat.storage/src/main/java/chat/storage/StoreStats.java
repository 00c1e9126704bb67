package chat.storage;

/**
 * Counters since the store was opened, for metrics and health checks.
 *
 * @param durableEntries entries made durable
 * @param groupCommits   batches written, each with one journal fsync; {@code
 *                       durableEntries / groupCommits} is the mean batch size
 * @param checkpoints    checkpoints written
 * @param failed         whether a write or fsync error has failed the store
 */
public record StoreStats(long durableEntries, long groupCommits, long checkpoints, boolean failed) {
}
