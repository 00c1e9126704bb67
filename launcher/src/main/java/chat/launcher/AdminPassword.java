package chat.launcher;

import chat.client.spi.ExitStatus;
import chat.protocol.identity.IdentityFileException;
import chat.protocol.identity.IdentityKeys;
import chat.protocol.identity.UserKeyFile;
import java.io.Console;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Where the admin key's password comes from, in this order: {@code --admin-password-file
 * FILE} (first line), the environment variable {@code CHAT_ADMIN_PASSWORD}, an
 * {@code @admin:PASSWORD} line of the users file, a hidden prompt on a terminal; and when
 * none is available, the empty password (generate warns; the others try it). A new admin
 * key's password, when there is one, needs {@link PasswordSource#MIN_LENGTH} characters.
 */
final class AdminPassword {

    static final String ENV = "CHAT_ADMIN_PASSWORD";
    static final String SOURCES = "give it with --admin-password-file FILE, the environment variable " + ENV
            + " or an '@admin:PASSWORD' line in the --users-file (or run on a terminal to be asked)";

    private AdminPassword() {
    }

    /** The password given without asking, or null. An explicitly empty one is refused. */
    static char[] supplied(Path file, char[] fromUsersFile, PrintWriter err) {
        if (file != null) {
            char[] password = PasswordSource.readFirstLine(file, "admin password file", err);
            if (password.length == 0) {
                throw CliException.usage("the admin password in " + file + " is empty");
            }
            return password;
        }
        String env = PasswordSource.environment.apply(ENV);
        if (env != null && !env.isEmpty()) {
            return env.toCharArray();
        }
        if (fromUsersFile != null) {
            if (fromUsersFile.length == 0) {
                throw CliException.usage("the '@admin:' line of the users file gives an empty password");
            }
            return fromUsersFile.clone();
        }
        return null;
    }

    /**
     * The password for a new admin key: supplied, else asked twice if {@code mayAsk} and
     * there is a terminal, else empty, with a warning on {@code err} (kept so that older
     * scripts work). One given but shorter than {@link PasswordSource#MIN_LENGTH} is refused.
     */
    static char[] forNewKey(Path file, char[] fromUsersFile, boolean mayAsk, Path keysDir, PrintWriter err) {
        char[] password = supplied(file, fromUsersFile, err);
        if (password != null) {
            try {
                PasswordSource.requireLongEnough(password, "the admin key");
            } catch (CliException e) {
                Arrays.fill(password, '\0');
                throw e;
            }
            return password;
        }
        Console console = mayAsk ? PasswordSource.terminal() : null;
        if (console != null) {
            return PasswordSource.promptNew(console, "the admin key", "Password for the admin key (it signs the directory): ",
                    "Repeat the password for the admin key: ");
        }
        Path adminDir = keysDir.resolve("admin");
        err.println("warning: the admin key " + adminDir.resolve(UserKeyFile.ADMIN_FILE_NAME)
                + " has no password; set one with: chat passwd --dir " + adminDir);
        err.flush();
        return new char[0];
    }

    /**
     * Opens the admin key: with the supplied password, else one asked on the terminal, else
     * the empty password; a wrong password is a sentence naming the ways to give it (exit 3).
     */
    static IdentityKeys unlock(Path keyPath, Path file, char[] fromUsersFile, PrintWriter err) {
        KeyFileModes.warnIfOpen(keyPath, err, "the admin key");
        UserKeyFile keyFile;
        try {
            keyFile = UserKeyFile.loadAdmin(keyPath);
        } catch (IdentityFileException e) {
            throw Problems.of(e);
        }
        char[] password = supplied(file, fromUsersFile, err);
        boolean explicit = password != null;
        if (password == null) {
            Console console = PasswordSource.terminal();
            password = console != null ? PasswordSource.prompt(console, "Password for the admin key: ") : new char[0];
            explicit = console != null;
        }
        try {
            return keyFile.unlock(password, keyPath);
        } catch (IdentityFileException e) {
            if (e.reason() == IdentityFileException.Reason.WRONG_PASSWORD) {
                throw new CliException(ExitStatus.AUTH, explicit
                        ? "wrong password for the admin key " + keyPath
                        : "the admin key " + keyPath + " has a password: " + SOURCES);
            }
            throw Problems.of(e);
        } finally {
            Arrays.fill(password, '\0');
        }
    }
}
