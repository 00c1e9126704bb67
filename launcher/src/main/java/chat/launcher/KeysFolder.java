package chat.launcher;

import chat.protocol.identity.BundleLayout;
import chat.protocol.identity.DirectoryLog;
import chat.protocol.identity.IdentityFileException;
import chat.protocol.identity.UserKeyFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The admin's keys folder ({@code KEYS}, as {@code chat generate} wrote it): where each
 * copy of the directory log lives, the lock that keeps two {@code chat user} runs apart,
 * and the order in which a new log is written.
 *
 * <p>{@code KEYS/directory.json} is the authoritative copy and is written last: every
 * other copy ({@code KEYS/server/}, {@code KEYS/users/*}) is replaced first. A run that
 * stops in between leaves some copies one version ahead of the authoritative one; the
 * next run finds the longest copy that extends the authoritative log (it verifies, signed
 * by the same admin key) and continues from it, so a version that a server may already
 * serve is never signed a second time with other content.
 */
final class KeysFolder implements AutoCloseable {

    static final String LOCK_FILE = ".lock";

    final Path root;
    private final FileChannel lockChannel;
    private final FileLock lock;

    private KeysFolder(Path root, FileChannel lockChannel, FileLock lock) {
        this.root = root;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /** Opens KEYS to read it, without the lock. */
    static KeysFolder read(Path dir) {
        requireFolder(dir);
        return new KeysFolder(dir, null, null);
    }

    private static void requireFolder(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw CliException.failure("keys folder " + dir + " does not exist (create one with chat generate --dir "
                    + dir + ")");
        }
    }

    /** Opens KEYS and takes its lock (refused while another chat user command runs on it). */
    static KeysFolder open(Path dir) {
        requireFolder(dir);
        Path lockPath = dir.resolve(LOCK_FILE);
        try {
            FileChannel ch = FileChannel.open(lockPath, java.util.Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            FileLock lock = ch.tryLock();
            if (lock == null) {
                ch.close();
                throw CliException.failure(dir + " is in use by another chat user command; try again when it has finished");
            }
            return new KeysFolder(dir, ch, lock);
        } catch (IOException e) {
            throw CliException.failure("cannot lock " + lockPath + ": " + e.getMessage());
        }
    }

    Path directoryFile() {
        return root.resolve(DirectoryLog.FILE_NAME);
    }

    Path adminDir() {
        return root.resolve(BundleLayout.ADMIN_DIR);
    }

    Path adminKey() {
        return adminDir().resolve(UserKeyFile.ADMIN_FILE_NAME);
    }

    Path serverDir() {
        return root.resolve(BundleLayout.SERVER_DIR);
    }

    Path usersDir() {
        return root.resolve(BundleLayout.USERS_DIR);
    }

    /** The user folders under KEYS/users (hidden staging folders excluded), by name. */
    List<Path> userFolders() {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(usersDir())) {
            return out;
        }
        try (DirectoryStream<Path> s = Files.newDirectoryStream(usersDir())) {
            for (Path p : s) {
                if (!p.getFileName().toString().startsWith(".") && Files.isDirectory(p)) {
                    out.add(p);
                }
            }
        } catch (IOException e) {
            throw CliException.failure("cannot list " + usersDir() + ": " + e.getMessage());
        }
        out.sort(Comparator.naturalOrder());
        return out;
    }

    /** Every copy of the log but the authoritative one: the server's, then each user folder's. */
    List<Path> copies() {
        List<Path> out = new ArrayList<>();
        if (Files.isDirectory(serverDir())) {
            out.add(serverDir().resolve(DirectoryLog.FILE_NAME));
        }
        for (Path user : userFolders()) {
            out.add(user.resolve(DirectoryLog.FILE_NAME));
        }
        return out;
    }

    /** The outcome of {@link #load}: the log to continue from, and the copy it came from if a run was interrupted. */
    record Loaded(DirectoryLog log, long authoritative, Path recoveredFrom) {

        /** Says that an interrupted run is being finished, if one is. */
        void noteRecovery(PrintWriter err, Path directoryFile) {
            if (recoveredFrom != null) {
                err.println("note: an earlier run was interrupted after signing version " + log.number() + " ("
                        + recoveredFrom + " holds it, " + directoryFile + " only version " + authoritative
                        + "); continuing from version " + log.number());
                err.flush();
            }
        }
    }

    /** Loads KEYS/directory.json, and continues from a copy that extends it (an interrupted run). */
    Loaded load(PrintWriter err) {
        DirectoryLog log;
        try {
            log = DirectoryLog.load(directoryFile());
        } catch (IdentityFileException e) {
            if (e.reason() == IdentityFileException.Reason.OUTDATED) {
                throw CliException.failure(directoryFile() + " is an older, unsigned directory (format 1): "
                        + "run chat user upgrade --dir " + root + " first");
            }
            throw Problems.of(e);
        }
        long authoritative = log.number();
        Path from = null;
        for (Path copy : copies()) {
            if (!Files.exists(copy)) {
                continue;
            }
            DirectoryLog other;
            try {
                other = DirectoryLog.load(copy);
            } catch (IdentityFileException e) {
                err.println("note: " + e.getMessage() + " (it will be replaced)");
                continue;
            }
            DirectoryLog shorter = other.number() <= log.number() ? other : log;
            DirectoryLog longer = shorter == other ? log : other;
            for (long n = 1; n <= shorter.number(); n++) {
                if (!shorter.version(n).sameAs(longer.version(n))) {
                    throw CliException.failure(copy + " holds another directory than " + directoryFile()
                            + " (they differ at version " + n + "); find out where it came from, then move it away "
                            + "and run this again");
                }
            }
            if (other.number() > log.number()) {
                log = other;
                from = copy;
            }
        }
        return new Loaded(log, authoritative, from);
    }

    /**
     * Replaces every copy of the log, the authoritative KEYS/directory.json last, so it is
     * written only when every other copy holds the new log.
     */
    void publish(DirectoryLog log) {
        publishCopies(log);
        publishAuthoritative(log);
    }

    /** Replaces the server's and every user folder's copy. */
    void publishCopies(DirectoryLog log) {
        Path current = null;
        try {
            for (Path copy : copies()) {
                current = copy;
                log.replace(copy);
            }
        } catch (IOException e) {
            throw CliException.failure("cannot write " + current + ": " + e.getMessage()
                    + " (" + directoryFile() + " still holds the previous version; run the command again once fixed)");
        }
    }

    /** Replaces KEYS/directory.json: the last step of every change. */
    void publishAuthoritative(DirectoryLog log) {
        Path current = directoryFile();
        try {
            log.replace(directoryFile());
        } catch (IOException e) {
            throw CliException.failure("cannot write " + current + ": " + e.getMessage()
                    + " (" + directoryFile() + " still holds the previous version; run the command again once fixed)");
        }
    }

    /** Removes hidden staging folders an interrupted run left under KEYS/users (never part of any directory). */
    void removeStaleStaging() {
        if (!Files.isDirectory(usersDir())) {
            return;
        }
        try (DirectoryStream<Path> s = Files.newDirectoryStream(usersDir(), ".add-*")) {
            for (Path p : s) {
                TreeWriter.deleteQuietly(p);
            }
        } catch (IOException ignored) {
            // best effort: a leftover hidden folder is harmless
        }
    }

    @Override
    public void close() {
        if (lock == null) {
            return;
        }
        try {
            lock.release();
            lockChannel.close();
        } catch (IOException ignored) {
            // closing releases the lock in any case
        }
    }
}
