package chat.storage.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;

/**
 * Opens the journal segments the committer writes. Production uses {@link #DEFAULT}; tests
 * substitute channels that fail on demand, since a real failing fsync cannot be provoked.
 */
@FunctionalInterface
public interface FileOpener {

    FileOpener DEFAULT = FileChannel::open;

    FileChannel open(Path path, OpenOption... options) throws IOException;
}
