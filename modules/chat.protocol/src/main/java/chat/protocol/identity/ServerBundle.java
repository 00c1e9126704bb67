package chat.protocol.identity;

import java.nio.file.Path;

/** What the server host holds ({@code DIR/server/}): the server's keys and the public directory. */
public record ServerBundle(Path dir, Directory directory, IdentityKeys keys) {

    public static ServerBundle load(Path dir) throws IdentityFileException {
        Directory directory = Directory.load(dir.resolve(Directory.FILE_NAME));
        Path keyPath = dir.resolve(ServerKeyFile.FILE_NAME);
        IdentityKeys keys = ServerKeyFile.load(keyPath);
        if (!keys.principal().equals(directory.server())) {
            keys.destroy();
            throw new IdentityFileException(IdentityFileException.Reason.MALFORMED, keyPath,
                    "the server keys in this file are not the ones " + Directory.FILE_NAME + " lists");
        }
        return new ServerBundle(dir, directory, keys);
    }
}
