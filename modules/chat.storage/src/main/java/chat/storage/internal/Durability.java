package chat.storage.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Small file-system steps whose order is what makes the store crash-safe. */
final class Durability {

    private static final boolean WINDOWS = System.getProperty("os.name", "").startsWith("Windows");

    private Durability() {
    }

    /**
     * Makes a directory's entries (a created, renamed or deleted file) durable. On POSIX a
     * new file's data can be on disk while its name is not, until its directory is
     * fsynced. Windows cannot open a directory for this and persists names with the file.
     */
    static void fsyncDirectory(Path dir) throws IOException {
        if (WINDOWS) {
            return;
        }
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    static void writeFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            at += channel.write(buffer, at);
        }
    }

    /** Reads until the buffer is full or the file ends; returns false on a short read. */
    static boolean readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, at);
            if (n < 0) {
                return false;
            }
            at += n;
        }
        return true;
    }
}
