package chat.storage.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Read-only handles kept open for single-entry lookups (the server's view checks), so a
 * lookup is positional reads, not an open and a close per file. At most {@code capacity}
 * are open (least recently used closed first), far below the descriptors the server keeps
 * for the store. A handle closed by eviction while another thread reads through it makes
 * that read fail with a ClosedChannelException; the caller then reads through a cursor.
 */
final class ReadHandles implements AutoCloseable {

    private final int capacity;
    private final LinkedHashMap<Path, FileChannel> open;
    private boolean closed;

    ReadHandles(int capacity) {
        this.capacity = capacity;
        this.open = new LinkedHashMap<>(capacity * 2, 0.75f, true);
    }

    synchronized FileChannel get(Path file) throws IOException {
        if (closed) {
            throw new IOException("the store is closed");
        }
        FileChannel channel = open.get(file);
        if (channel != null && channel.isOpen()) {
            return channel;
        }
        channel = FileChannel.open(file, StandardOpenOption.READ);
        open.put(file, channel);
        if (open.size() > capacity) {
            var eldest = open.entrySet().iterator();
            Map.Entry<Path, FileChannel> e = eldest.next();
            eldest.remove();
            closeQuietly(e.getValue());
        }
        return channel;
    }

    /** Closes the handle of {@code file}, e.g. after a read through it found damage. */
    synchronized void forget(Path file) {
        FileChannel channel = open.remove(file);
        if (channel != null) {
            closeQuietly(channel);
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        open.values().forEach(ReadHandles::closeQuietly);
        open.clear();
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // read-only: nothing to lose
        }
    }
}
