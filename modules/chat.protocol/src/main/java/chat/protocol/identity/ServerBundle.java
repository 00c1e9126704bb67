package chat.protocol.identity;

import java.nio.file.Path;

/**
 * What the server host holds ({@code DIR/server/}): the server's keys and the directory
 * log. The server only stores and serves the log, so it loads it without checking the
 * admin's signatures (clients check them); it still refuses a log whose version 1 names
 * other server keys than its own.
 */
public record ServerBundle(Path dir, DirectoryLog log, IdentityKeys keys) {

    public static ServerBundle load(Path dir) throws IdentityFileException {
        DirectoryLog log = DirectoryLog.loadUnchecked(dir.resolve(DirectoryLog.FILE_NAME));
        Path keyPath = dir.resolve(ServerKeyFile.FILE_NAME);
        IdentityKeys keys = ServerKeyFile.load(keyPath);
        if (!keys.principal().equals(log.server())) {
            keys.destroy();
            throw new IdentityFileException(IdentityFileException.Reason.MALFORMED, keyPath,
                    "the server keys in this file are not the ones " + DirectoryLog.FILE_NAME + " lists");
        }
        return new ServerBundle(dir, log, keys);
    }

    public Directory directory() {
        return log.current();
    }

    public Path directoryFile() {
        return dir.resolve(DirectoryLog.FILE_NAME);
    }
}
