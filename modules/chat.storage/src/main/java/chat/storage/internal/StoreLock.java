package chat.storage.internal;

import chat.storage.StoreIOException;
import chat.storage.StoreLockedException;
import chat.storage.StorageException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The exclusive hold on a data directory: an OS file lock on {@code LOCK}, held for the
 * store's life, so two servers never write one journal.
 *
 * <p>POSIX record locks belong to the process, and closing <em>any</em> descriptor of the
 * file drops them all. A second open in this JVM therefore must not even open LOCK: it is
 * refused from {@link #HELD}, a set of the directories this JVM holds. The OS lock is what
 * stops other processes. The LOCK file is never deleted: deleting a lock file races with
 * the next opener.
 */
public final class StoreLock implements AutoCloseable {

    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

    private final Path directory;
    private final FileChannel channel;
    private final FileLock lock;

    private StoreLock(Path directory, FileChannel channel, FileLock lock) {
        this.directory = directory;
        this.channel = channel;
        this.lock = lock;
    }

    /** Locks {@code layout}'s directory, whose path must be real (absolute, links resolved). */
    public static StoreLock acquire(StoreLayout layout) throws StorageException {
        Path directory = layout.root();
        Path file = layout.lockFile();
        if (!HELD.add(directory)) {
            throw locked(directory, file);
        }
        FileChannel channel = null;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // only reachable if something else in this JVM locks the file
            }
            if (lock == null) {
                throw locked(directory, file);
            }
            // For people wondering which process holds the directory.
            channel.truncate(0);
            Durability.writeFully(channel, ByteBuffer.wrap(
                    (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
            return new StoreLock(directory, channel, lock);
        } catch (IOException e) {
            closeQuietly(channel);
            HELD.remove(directory);
            throw new StoreIOException("cannot lock " + file, e);
        } catch (StorageException e) {
            closeQuietly(channel);
            HELD.remove(directory);
            throw e;
        }
    }

    /**
     * Throws if another process (or this JVM) holds {@code layout}'s directory; takes the OS
     * lock only for a moment, creates nothing, and writes nothing. A directory without LOCK
     * is free. Called only by a process that holds no store there (see the class comment).
     */
    static void probe(StoreLayout layout) throws StorageException {
        Path directory = layout.root();
        Path file = layout.lockFile();
        if (HELD.contains(directory)) {
            throw locked(directory, file);
        }
        if (!java.nio.file.Files.exists(file)) {
            return;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw locked(directory, file);
            }
            lock.release();
        } catch (IOException e) {
            throw new StoreIOException("cannot check the lock " + file, e);
        }
    }

    private static StoreLockedException locked(Path directory, Path file) {
        return new StoreLockedException("data directory " + directory
                + " is in use by another server (lock on " + file + " held)");
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing was locked through this channel; the error changes nothing
            }
        }
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
            channel.close();
        } finally {
            HELD.remove(directory);
        }
    }
}
