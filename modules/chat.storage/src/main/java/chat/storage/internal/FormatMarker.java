package chat.storage.internal;

import chat.storage.StoreCorruptException;
import chat.storage.StoreFormatException;
import chat.storage.StoreIOException;
import chat.storage.StorageException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The {@code FORMAT} file: one line naming the on-disk format version, checked before
 * anything else is read so that a newer server's directory is refused, not misread.
 */
final class FormatMarker {

    static final int VERSION = 1;
    private static final String LINE = "chat.storage format " + VERSION + "\n";

    private FormatMarker() {
    }

    /** Writes the marker into a new directory, or checks the one that is there. */
    static void ensure(StoreLayout layout) throws StorageException {
        var file = layout.formatFile();
        try {
            if (verify(layout)) {
                return;
            }
            if (!layout.segmentNumbers().isEmpty()) {
                throw new StoreCorruptException(file + " is missing but " + layout.journalDir()
                        + " holds segments; refusing to guess their format");
            }
            var tmp = file.resolveSibling("FORMAT.tmp");
            Files.writeString(tmp, LINE, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE, StandardOpenOption.SYNC);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            Durability.fsyncDirectory(layout.root());
        } catch (IOException e) {
            throw new StoreIOException("cannot check the format of " + file, e);
        }
    }

    /** Checks the marker without writing: true if it is there and ours, false if there is none. */
    static boolean verify(StoreLayout layout) throws StoreFormatException, IOException {
        var file = layout.formatFile();
        if (!Files.exists(file)) {
            return false;
        }
        String found = Files.readString(file, StandardCharsets.UTF_8);
        if (!found.equals(LINE)) {
            throw new StoreFormatException(file + " says \"" + found.strip()
                    + "\"; this server reads \"" + LINE.strip() + "\" only");
        }
        return true;
    }
}
