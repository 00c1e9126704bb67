package chat.protocol.identity;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * Writes the tree {@code chat generate} produces:
 * <pre>
 * DIR/directory.json              the directory log (public: to distribute, publish, compare)
 * DIR/admin/admin.key     (0600, password-protected) the admin key that signs the directory
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
    public static final String ADMIN_DIR = "admin";

    private BundleLayout() {
    }

    public record UserEntry(String name, UserKeyFile keyFile) {
    }

    public static void write(Path root, DirectoryLog log, UserKeyFile admin, IdentityKeys server, List<UserEntry> users)
            throws IOException {
        log.write(root.resolve(DirectoryLog.FILE_NAME));
        Path adminDir = privateDir(root.resolve(ADMIN_DIR));
        admin.write(adminDir.resolve(UserKeyFile.ADMIN_FILE_NAME));
        Path serverDir = privateDir(root.resolve(SERVER_DIR));
        log.write(serverDir.resolve(DirectoryLog.FILE_NAME));
        ServerKeyFile.write(server, serverDir.resolve(ServerKeyFile.FILE_NAME));
        Path usersDir = Files.createDirectory(root.resolve(USERS_DIR));
        for (UserEntry user : users) {
            writeUser(usersDir, log, user);
        }
    }

    /** Adds one user's bundle folder under {@code DIR/users}; {@code keyFile} may be null (a key the user made). */
    public static Path writeUser(Path usersDir, DirectoryLog log, UserEntry user) throws IOException {
        Path userDir = privateDir(usersDir.resolve(user.name()));
        log.write(userDir.resolve(DirectoryLog.FILE_NAME));
        if (user.keyFile() != null) {
            user.keyFile().write(userDir.resolve(UserKeyFile.FILE_NAME));
        }
        return userDir;
    }

    public static Path privateDir(Path dir) throws IOException {
        return Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
}
