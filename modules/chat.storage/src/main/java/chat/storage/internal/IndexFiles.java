package chat.storage.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The write side of the per-channel index files: entry N of a channel is the
 * {@link Location} of its seq N record, at byte (N - 1) * {@value Location#BYTES}.
 *
 * <p>Index writes are not fsynced as they happen: the journal is the truth and recovery
 * rebuilds every index entry written after the last checkpoint. A checkpoint fsyncs the
 * files written since the previous one ({@link #forceDirty}); closing a descriptor never
 * loses data, so an evicted file is simply reopened for that fsync.
 *
 * <p>At most {@code maxOpen} files are open at once (least recently used first out), so
 * ten thousand channels do not exhaust file descriptors. Used by one thread at a time:
 * recovery, then the committer.
 */
final class IndexFiles implements AutoCloseable {

    static final int DEFAULT_MAX_OPEN = 256;

    private final StoreLayout layout;
    private final Map<String, FileChannel> open;
    private final Set<String> dirty = new HashSet<>();

    IndexFiles(StoreLayout layout, int maxOpen) {
        this.layout = layout;
        this.open = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, FileChannel> eldest) {
                if (size() <= maxOpen) {
                    return false;
                }
                closeQuietly(eldest.getValue());
                return true;
            }
        };
    }

    /** Writes consecutive index entries of a channel, the first one for {@code firstSeq}. */
    void write(String channel, long firstSeq, ByteBuffer entries) throws IOException {
        Durability.writeFully(handle(channel), entries, (firstSeq - 1) * Location.BYTES);
        dirty.add(channel);
    }

    /** Cuts a channel's index down to its first {@code entries} entries. */
    void truncate(String channel, long entries) throws IOException {
        handle(channel).truncate(entries * Location.BYTES);
        dirty.add(channel);
    }

    /** Number of whole entries in a channel's index file (0 if it has none). */
    long entries(String channel) throws IOException {
        var path = layout.index(channel);
        return Files.exists(path) ? Files.size(path) / Location.BYTES : 0;
    }

    /** Fsyncs every index file written since the last call. */
    void forceDirty() throws IOException {
        for (String channel : dirty) {
            handle(channel).force(false);
        }
        dirty.clear();
    }

    private FileChannel handle(String channel) throws IOException {
        FileChannel channelFile = open.get(channel);
        if (channelFile == null) {
            channelFile = FileChannel.open(layout.index(channel), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
            open.put(channel, channelFile);
        }
        return channelFile;
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // a close error loses nothing: the next checkpoint reopens and fsyncs the file
        }
    }

    @Override
    public void close() {
        open.values().forEach(IndexFiles::closeQuietly);
        open.clear();
    }
}
