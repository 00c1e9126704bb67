package chat.protocol.identity;

import chat.protocol.Names;
import java.nio.file.Path;

/**
 * What one user's host holds ({@code DIR/users/<user>/}, or the folder {@code chat keygen}
 * wrote): the directory log and that user's password-protected key file, nothing of anyone
 * else's private keys. {@link #log()} is the log as loaded; a running client keeps the
 * newer versions it receives and writes them back to {@link #directoryFile()}.
 */
public record UserBundle(Path dir, String user, DirectoryLog log, UserKeyFile keyFile) {

    public static UserBundle load(Path dir) throws IdentityFileException {
        Path keyPath = dir.resolve(UserKeyFile.FILE_NAME);
        UserKeyFile keyFile = UserKeyFile.load(keyPath);
        DirectoryLog log = DirectoryLog.load(dir.resolve(DirectoryLog.FILE_NAME));
        String user = keyFile.user();
        if (!Names.isValidUser(user) || log.current().user(user).isEmpty()) {
            String why = log.isRevoked(user)
                    ? "user '" + user + "' was removed from the directory (version "
                            + log.revocation(user).orElseThrow().number() + "): the admin revoked their key, which no longer logs in"
                    : "user '" + user + "' is not listed in " + DirectoryLog.FILE_NAME
                            + " (version " + log.number() + "): if the admin has just added you, copy the admin's newer "
                            + "KEYS/directory.json into " + dir;
            throw new IdentityFileException(log.isRevoked(user) ? IdentityFileException.Reason.REVOKED
                    : IdentityFileException.Reason.MALFORMED, keyPath, why);
        }
        return new UserBundle(dir, user, log, keyFile);
    }

    /** The directory as loaded. */
    public Directory directory() {
        return log.current();
    }

    public Path directoryFile() {
        return dir.resolve(DirectoryLog.FILE_NAME);
    }

    /** Opens the key file with the password and checks the keys are the ones the directory lists. */
    public IdentityKeys unlock(char[] password) throws IdentityFileException {
        Path keyPath = dir.resolve(UserKeyFile.FILE_NAME);
        IdentityKeys keys = keyFile.unlock(password, keyPath);
        Principal listed = directory().user(user).orElseThrow();
        if (!keys.principal().equals(listed)) {
            keys.destroy();
            throw new IdentityFileException(IdentityFileException.Reason.MALFORMED, keyPath,
                    "the keys in this file are not the keys " + DirectoryLog.FILE_NAME + " lists for '" + user + "'");
        }
        return keys;
    }

    public Principal principal() {
        return directory().user(user).orElseThrow();
    }
}
