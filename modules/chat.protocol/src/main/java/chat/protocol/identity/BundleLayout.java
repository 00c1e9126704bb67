package chat.protocol.identity;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * Writes the tree {@code chat generate} produces:
 * <pre>
 * DIR/directory.json              public directory (for reference and distribution)
 * DIR/server/directory.json       } the server bundle
 * DIR/server/server.key   (0600)  }
 * DIR/users/NAME/directory.json   } one bundle per user
 * DIR/users/NAME/identity.key (0600, password-protected)
 * </pre>
 * Bundle folders are 0700. The caller writes into a fresh folder and renames it into place,
 * so a failure never leaves half a tree under the requested name.
 */
public final class BundleLayout {

    public static final String SERVER_DIR = "server";
    public static final String USERS_DIR = "users";

    private BundleLayout() {
    }

    public record UserEntry(String name, UserKeyFile keyFile) {
    }

    public static void write(Path root, Directory directory, IdentityKeys server, List<UserEntry> users)
            throws IOException {
        directory.write(root.resolve(Directory.FILE_NAME));
        Path serverDir = privateDir(root.resolve(SERVER_DIR));
        directory.write(serverDir.resolve(Directory.FILE_NAME));
        ServerKeyFile.write(server, serverDir.resolve(ServerKeyFile.FILE_NAME));
        Path usersDir = Files.createDirectory(root.resolve(USERS_DIR));
        for (UserEntry user : users) {
            Path userDir = privateDir(usersDir.resolve(user.name()));
            directory.write(userDir.resolve(Directory.FILE_NAME));
            user.keyFile().write(userDir.resolve(UserKeyFile.FILE_NAME));
        }
    }

    private static Path privateDir(Path dir) throws IOException {
        return Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
}
