package chat.protocol.identity;

import chat.protocol.Names;
import java.nio.file.Path;

/**
 * What one user's host holds ({@code DIR/users/<user>/}): the public directory and that
 * user's password-protected key file, nothing of anyone else's private keys.
 */
public record UserBundle(Path dir, String user, Directory directory, UserKeyFile keyFile) {

    public static UserBundle load(Path dir) throws IdentityFileException {
        Directory directory = Directory.load(dir.resolve(Directory.FILE_NAME));
        Path keyPath = dir.resolve(UserKeyFile.FILE_NAME);
        UserKeyFile keyFile = UserKeyFile.load(keyPath);
        String user = keyFile.user();
        if (!Names.isValidUser(user) || directory.user(user).isEmpty()) {
            throw new IdentityFileException(IdentityFileException.Reason.MALFORMED, keyPath,
                    "user '" + user + "' is not listed in " + Directory.FILE_NAME);
        }
        return new UserBundle(dir, user, directory, keyFile);
    }

    /** Opens the key file with the password and checks the keys are the ones the directory lists. */
    public IdentityKeys unlock(char[] password) throws IdentityFileException {
        Path keyPath = dir.resolve(UserKeyFile.FILE_NAME);
        IdentityKeys keys = keyFile.unlock(password, keyPath);
        Principal listed = directory.user(user).orElseThrow();
        if (!keys.principal().equals(listed)) {
            keys.destroy();
            throw new IdentityFileException(IdentityFileException.Reason.MALFORMED, keyPath,
                    "the keys in this file are not the keys " + Directory.FILE_NAME + " lists for '" + user + "'");
        }
        return keys;
    }

    public Principal principal() {
        return directory.user(user).orElseThrow();
    }
}
