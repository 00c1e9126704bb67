package chat.launcher;

import chat.protocol.Names;
import chat.protocol.identity.DirectoryLog;
import chat.protocol.identity.IdentityKeys;
import chat.protocol.identity.KeyRequest;
import chat.protocol.identity.UserKeyFile;
import java.io.Console;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code chat keygen}: a user makes their own key; only its public half goes to the admin. */
@Command(name = "keygen",
        mixinStandardHelpOptions = true,
        description = {
            "Make your own key on your own machine, so that no one else ever holds it.",
            "",
            "Writes DIR/identity.key (your private keys, sealed with your password) and "
                    + "DIR/NAME.request.json (your public keys, signed with them). Send the request to the "
                    + "admin, who runs: chat user add --dir KEYS --request NAME.request.json ; then copy the "
                    + "admin's KEYS/directory.json into DIR and run: chat client --dir DIR",
            "",
            "The password is asked twice, hidden, or read from the first line of --password-file; it "
                    + "needs at least " + PasswordSource.MIN_LENGTH + " characters.",
            ""
        })
final class KeygenCommand implements Runnable {

    @Option(names = "--dir", required = true, paramLabel = "DIR",
            description = "Your bundle folder (created, 0700, if missing; refused if it holds an identity.key).")
    Path dir;

    @Option(names = "--user", required = true, paramLabel = "NAME",
            description = "Your user name: 1-32 letters, digits, '.', '_' or '-'.")
    String user;

    @Option(names = "--password-file", paramLabel = "FILE", description = "Read the password from the first line of FILE.")
    Path passwordFile;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        String problem = Names.userProblem(user);
        if (problem != null) {
            throw CliException.usage(problem);
        }
        Path keyPath = dir.resolve(UserKeyFile.FILE_NAME);
        Path requestPath = dir.resolve(user + KeyRequest.SUFFIX);
        if (Files.exists(keyPath, LinkOption.NOFOLLOW_LINKS)) {
            throw CliException.failure(keyPath + " exists already; choose another folder (this one holds a key)");
        }
        if (Files.exists(requestPath, LinkOption.NOFOLLOW_LINKS)) {
            throw CliException.failure(requestPath + " exists already; move it away first");
        }
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw CliException.failure(dir + " exists and is not a folder");
        }
        boolean made = makeFolder(); // before the password is asked: an unwritable place fails at once
        try {
            seal(keyPath, requestPath, out);
        } catch (RuntimeException e) {
            if (made) {
                try {
                    Files.deleteIfExists(dir); // only if still empty
                } catch (IOException notEmpty) {
                    // leave it
                }
            }
            throw e;
        }
    }

    /** Creates the folder (private) if it is missing and checks that files can be written in it; true if made. */
    private boolean makeFolder() {
        boolean made = false;
        for (Path above = dir.toAbsolutePath().getParent(); above != null; above = above.getParent()) {
            if (Files.exists(above) && !Files.isDirectory(above)) {
                throw CliException.failure("cannot create " + dir + ": " + above + " is a file, not a folder");
            }
        }
        try {
            if (!Files.isDirectory(dir)) {
                Path parent = dir.toAbsolutePath().getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                made = true;
            }
            Files.delete(Files.createTempFile(dir, ".keygen-", ".probe"));
            return made;
        } catch (IOException e) {
            throw CliException.failure("cannot write in " + dir + ": " + TreeWriter.describe(e, dir));
        }
    }

    private void seal(Path keyPath, Path requestPath, PrintWriter out) {
        char[] password;
        if (passwordFile != null) {
            password = PasswordSource.readFirstLine(passwordFile, "password file", spec.commandLine().getErr());
            if (password.length == 0) {
                throw CliException.usage("the password in " + passwordFile + " is empty");
            }
            PasswordSource.requireLongEnough(password, "user '" + user + "' in " + passwordFile);
        } else {
            Console console = PasswordSource.terminal();
            if (console == null) {
                throw CliException.usage("standard input is not a terminal, so the password cannot be asked: use --password-file FILE");
            }
            password = PasswordSource.promptNew(console, user);
        }
        IdentityKeys keys = IdentityKeys.generate(user);
        try {
            UserKeyFile keyFile = UserKeyFile.seal(keys, password, PasswordSource.kdf);
            keyFile.write(keyPath);
            KeyRequest.of(keys).write(requestPath);
        } catch (IOException e) {
            throw CliException.failure("cannot write in " + dir + ": " + TreeWriter.describe(e, dir));
        } finally {
            Arrays.fill(password, '\0');
        }
        String fingerprint = keys.principal().fingerprint();
        keys.destroy();
        out.println("Your fingerprint (" + user + "): " + fingerprint);
        out.println("Wrote " + keyPath + " (your private key: it never leaves this machine) and " + requestPath + ".");
        out.println("Next:");
        out.println("  1. Send " + requestPath.getFileName() + " to the admin (it holds only public keys), and tell them");
        out.println("     your fingerprint over a channel you trust, so they can compare it.");
        out.println("  2. The admin runs: chat user add --dir KEYS --request " + requestPath.getFileName());
        out.println("  3. Copy the admin's KEYS/" + DirectoryLog.FILE_NAME + " into " + dir + ", then run: chat client --dir " + dir);
        out.flush();
    }
}
