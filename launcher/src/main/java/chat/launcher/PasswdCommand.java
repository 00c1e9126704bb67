package chat.launcher;

import chat.client.spi.ExitStatus;
import chat.protocol.identity.IdentityFileException;
import chat.protocol.identity.IdentityKeys;
import chat.protocol.identity.UserKeyFile;
import java.io.Console;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code chat passwd}: a new password for a user's key or the admin key, replaced atomically. */
@Command(name = "passwd",
        mixinStandardHelpOptions = true,
        description = {
            "Change the password of a key: BUNDLE/identity.key (a user's bundle), or, if BUNDLE "
                    + "holds admin.key (KEYS/admin), the admin key.",
            "",
            "Asks the old password once and the new one twice, hidden; for scripts, give both with "
                    + "--password-file OLD --new-password-file NEW (the first line of each). The file is "
                    + "replaced atomically: an interruption leaves the old file, which the old password still"
                    + " opens. A client running on the bundle is not disturbed. Other copies of the same key "
                    + "(another device) keep their old password. The new password needs at least "
                    + PasswordSource.MIN_LENGTH + " characters; the old one may be shorter.",
            ""
        })
final class PasswdCommand implements Runnable {

    @Option(names = "--dir", required = true, paramLabel = "BUNDLE",
            description = "A user's bundle folder (holding identity.key), or the admin folder KEYS/admin (holding admin.key).")
    Path dir;

    @Option(names = "--password-file", paramLabel = "OLD", description = "Read the current password from the first line of OLD.")
    Path oldPasswordFile;

    @Option(names = "--new-password-file", paramLabel = "NEW", description = "Read the new password from the first line of NEW.")
    Path newPasswordFile;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        Path adminPath = dir.resolve(UserKeyFile.ADMIN_FILE_NAME);
        boolean admin = Files.exists(adminPath);
        Path keyPath = admin ? adminPath : dir.resolve(UserKeyFile.FILE_NAME);
        if (!Files.isDirectory(dir)) {
            throw CliException.failure(dir + " does not exist or is not a folder");
        }
        if (!Files.exists(keyPath)) {
            throw CliException.failure(dir + " holds neither " + UserKeyFile.FILE_NAME + " nor " + UserKeyFile.ADMIN_FILE_NAME);
        }
        UserKeyFile keyFile;
        try {
            keyFile = admin ? UserKeyFile.loadAdmin(keyPath) : UserKeyFile.load(keyPath);
        } catch (IdentityFileException e) {
            throw Problems.of(e);
        }
        String whose = admin ? "the admin key" : keyFile.user();
        Console console = (oldPasswordFile == null || newPasswordFile == null) ? PasswordSource.terminal() : null;
        if ((oldPasswordFile == null || newPasswordFile == null) && console == null) {
            throw CliException.usage("standard input is not a terminal, so passwords cannot be asked: "
                    + "use --password-file OLD --new-password-file NEW");
        }
        PrintWriter err = spec.commandLine().getErr();
        char[] newPassword = newPasswordFile == null ? null : newFromFile(whose, err);
        char[] oldPassword = oldPasswordFile != null ? PasswordSource.readFirstLine(oldPasswordFile, "password file", err)
                : PasswordSource.prompt(console, "Current password for " + whose + ": ");
        IdentityKeys keys;
        try {
            keys = keyFile.unlock(oldPassword, keyPath);
        } catch (IdentityFileException e) {
            clear(newPassword);
            if (e.reason() == IdentityFileException.Reason.WRONG_PASSWORD) {
                throw new CliException(ExitStatus.AUTH, "wrong password for " + whose + " (" + keyPath + " is unchanged)");
            }
            throw Problems.of(e);
        } finally {
            Arrays.fill(oldPassword, '\0');
        }
        try {
            if (newPassword == null) {
                newPassword = PasswordSource.promptNew(console, whose, "New password for " + whose + ": ",
                        "Repeat the new password for " + whose + ": ");
            }
            keyFile.reseal(keys, newPassword).replace(keyPath);
        } catch (IOException e) {
            throw CliException.failure("cannot write " + keyPath + ": " + e.getMessage() + " (the old file is unchanged)");
        } finally {
            keys.destroy();
            clear(newPassword);
        }
        out.println("Changed the password of " + whose + " (" + keyPath + ").");
        out.flush();
    }

    /** The new password from --new-password-file, checked before the old one costs an Argon2 run. */
    private char[] newFromFile(String whose, PrintWriter err) {
        char[] password = PasswordSource.readFirstLine(newPasswordFile, "new password file", err);
        if (password.length == 0) {
            throw CliException.usage("the new password in " + newPasswordFile + " is empty");
        }
        try {
            PasswordSource.requireLongEnough(password, whose + " in " + newPasswordFile);
        } catch (CliException e) {
            clear(password);
            throw e;
        }
        return password;
    }

    private static void clear(char[] password) {
        if (password != null) {
            Arrays.fill(password, '\0');
        }
    }
}
