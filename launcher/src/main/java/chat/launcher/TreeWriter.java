package chat.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
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

    /** Checks the target up front, so a refusal comes before any password is asked. */
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
        try {
            Files.createDirectories(parent);
        } catch (IOException e) {
            throw CliException.failure("cannot create " + parent + ": " + describe(e));
        }
        if (!Files.isWritable(parent)) {
            throw CliException.failure("cannot write in " + parent + ": permission denied");
        }
        return new TreeWriter(target, force);
    }

    void write(Content content) {
        Path staging = target.resolveSibling("." + target.getFileName() + ".partial-" + ProcessHandle.current().pid());
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
            throw CliException.failure("cannot write " + target + ": " + describe(e));
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or about to; it deletes nothing that is complete
            }
        }
    }

    private static String describe(Exception e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied (" + e.getMessage() + ")";
        }
        return e.getMessage() == null ? e.toString() : e.getMessage();
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
