package chat.storage.internal;

import chat.storage.StoreIOException;
import chat.storage.StorageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@link chat.storage.EntryStore#check}: what opening a data directory would run into,
 * found without creating, locking or writing anything.
 */
public final class StoreCheck {

    private StoreCheck() {
    }

    public static String check(StoreLayout layout) throws StorageException {
        Path root = layout.root();
        if (!Files.exists(root)) {
            Path parent = nearestExisting(root);
            if (parent == null || !Files.isDirectory(parent) || !Files.isWritable(parent)) {
                throw new StoreIOException(root + " does not exist and cannot be created: "
                        + (parent == null ? "no folder above it exists" : parent + " is not a folder this user may write"));
            }
            return "not there yet: the server creates it";
        }
        if (!Files.isDirectory(root)) {
            throw new StoreIOException(root + " is not a folder");
        }
        if (!Files.isWritable(root) || !Files.isReadable(root) || !Files.isExecutable(root)) {
            throw new StoreIOException(root + " is not a folder this user may read and write");
        }
        try {
            FormatMarker.verify(layout);
            StoreLock.probe(layout);
            int segments = layout.segmentNumbers().size();
            return segments == 0 ? "an empty folder" : "a journal of " + segments + (segments == 1 ? " segment" : " segments");
        } catch (IOException e) {
            throw new StoreIOException("cannot read " + root + ": " + e.getMessage(), e);
        }
    }

    private static Path nearestExisting(Path path) {
        Path p = path.getParent();
        while (p != null && !Files.exists(p)) {
            p = p.getParent();
        }
        return p;
    }
}
