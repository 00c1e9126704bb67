package chat.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Creates a folder tree all at once or not at all: everything is written into a hidden
 * sibling folder, which is renamed onto the target only when complete. With --force an
 * existing target is moved aside first and deleted only after the new tree is in place.
 * A failure or Ctrl-C removes the half-written sibling.
 */
final class TreeWriter {

    interface Content {
        void write(Path root) throws IOException;
    }

    private final Path target;
    private final boolean replace;

    private TreeWriter(Path target, boolean replace) {
        this.target = target;
        this.replace = replace;
    }

    /**
     * Checks the target up front, so a refusal comes before any password is asked or any
     * key computed: the folders above it are created, and a folder is made and removed
     * beside it, which fails now, with its reason, where writing the tree would fail later.
     */
    static TreeWriter prepare(Path dir, boolean force) {
        Path target = dir.toAbsolutePath().normalize();
        if (Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            if (!force) {
                throw CliException.failure(dir + " already exists; choose another folder or add --force to replace it");
            }
            if (!Files.isDirectory(target)) {
                throw CliException.failure(dir + " exists and is not a folder");
            }
        }
        Path parent = target.getParent();
        for (Path above = parent; above != null; above = above.getParent()) {
            if (Files.exists(above) && !Files.isDirectory(above)) {
                throw CliException.failure("cannot create " + dir + ": " + above + " is a file, not a folder");
            }
        }
        try {
            Files.createDirectories(parent);
        } catch (IOException e) {
            throw CliException.failure("cannot create " + parent + ": " + describe(e, parent));
        }
        TreeWriter writer = new TreeWriter(target, force);
        Path probe = writer.staging();
        try {
            deleteQuietly(probe);
            Files.createDirectory(probe);
        } catch (IOException e) {
            throw CliException.failure("cannot write in " + parent + ": " + describe(e, probe));
        } finally {
            deleteQuietly(probe);
        }
        return writer;
    }

    /** The hidden sibling the tree is written into, named after this process. */
    private Path staging() {
        return target.resolveSibling("." + target.getFileName() + ".partial-" + ProcessHandle.current().pid());
    }

    void write(Content content) {
        Path staging = staging();
        Thread cleanup = new Thread(() -> deleteQuietly(staging));
        Runtime.getRuntime().addShutdownHook(cleanup);
        try {
            deleteQuietly(staging);
            Files.createDirectory(staging, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
            content.write(staging);
            if (replace && Files.exists(target)) {
                Path old = target.resolveSibling("." + target.getFileName() + ".old-" + ProcessHandle.current().pid());
                Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
                deleteQuietly(old);
            } else {
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (IOException | UncheckedIOException e) {
            deleteQuietly(staging);
            throw CliException.failure("cannot write " + target + ": " + describe(e, staging));
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or about to; it deletes nothing that is complete
            }
        }
    }

    /**
     * The reason of a failed write as words ("permission denied", "read-only file system"),
     * naming the file when it is not {@code named}, the path the sentence names already.
     */
    /** Why {@code e} happened, in a few words (permission denied, read-only file system...). */
    static String describe(Exception e, Path named) {
        Exception cause = e instanceof UncheckedIOException u ? u.getCause() : e;
        String reason;
        String file = null;
        if (cause instanceof AccessDeniedException denied) {
            reason = "permission denied";
            file = denied.getFile();
        } else if (cause instanceof FileSystemException fs && fs.getReason() != null) {
            reason = fs.getReason().substring(0, 1).toLowerCase(java.util.Locale.ROOT) + fs.getReason().substring(1);
            file = fs.getFile();
        } else {
            return cause.getMessage() == null ? cause.toString() : cause.getMessage();
        }
        return file == null || Path.of(file).equals(named) ? reason : reason + " (" + file + ")";
    }

    static void deleteQuietly(Path root) {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    Files.delete(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException ignored) {
            // best effort: a leftover hidden .partial folder is harmless and named after our pid
        }
    }
}
