package chat.launcher;

import chat.crypto.Argon2Params;
import chat.protocol.Names;
import chat.protocol.identity.BundleLayout;
import chat.protocol.identity.Directory;
import chat.protocol.identity.DirectoryLog;
import chat.protocol.identity.IdentityKeys;
import chat.protocol.identity.Principal;
import chat.protocol.identity.UserKeyFile;
import java.io.Console;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code chat generate}: creates the server's and the users' identities and their bundles. */
@Command(name = "generate",
        mixinStandardHelpOptions = true,
        description = {
            "Create the keys of a server and of its users, and a bundle for each host.",
            "",
            "Writes DIR/server/ (run the server with: chat server --dir DIR/server), "
                    + "DIR/users/<user>/ for each user (run: chat client --dir DIR/users/<user>), "
                    + "DIR/admin/admin.key, the admin key that signs the directory (keep it here, off the "
                    + "server), and DIR/directory.json, the directory log: version 1, every user's public "
                    + "key, signed by the admin key. Each user's bundle holds only that user's private key, "
                    + "sealed with their password (Argon2id + AES-256-GCM); copy each bundle to its host and "
                    + "nothing else. Add and remove users later with 'chat user add' and 'chat user remove'.",
            "",
            "Passwords are asked twice on the terminal, hidden, or read from --users-file; each needs "
                    + "at least " + PasswordSource.MIN_LENGTH + " characters, and a --users-file or "
                    + "--admin-password-file that other users may read is warned about (chmod 600 it). The "
                    + "admin key's password comes from --admin-password-file, the environment variable "
                    + "CHAT_ADMIN_PASSWORD, an '@admin:PASSWORD' line of the users file, or is asked on the "
                    + "terminal with the users' passwords; without any of these the admin key gets the empty "
                    + "password and a warning (set one later with: chat passwd --dir DIR/admin).",
            ""
        })
final class GenerateCommand implements Runnable {

    @Option(names = "--dir", required = true, paramLabel = "DIR",
            description = "Folder to create (refused if it exists, unless --force).")
    Path dir;

    @Option(names = "--users-file", paramLabel = "FILE",
            description = "Read users and passwords from FILE, one 'user:password' per line ('-' = standard input). "
                    + "Blank lines and lines starting with '#' are skipped.")
    String usersFile;

    @Option(names = "--force", description = "Replace DIR if it exists (the old one is removed only after the new one is complete). "
            + "Refused if DIR holds a server's data (server/data) or a client's state (users/*/state), unless --delete-data.")
    boolean force;

    @Option(names = "--delete-data", description = "With --force: also delete the server data and client state inside DIR (listed before they go).")
    boolean deleteData;

    @Option(names = "--admin-password-file", paramLabel = "FILE",
            description = "Read the admin key's password from the first line of FILE.")
    Path adminPasswordFile;

    @Parameters(paramLabel = "USER", arity = "0..*",
            description = "User names: 1-32 letters, digits, '.', '_' or '-'. With --users-file, names given here must be in the file; without names, all users of the file are created.")
    List<String> users = new ArrayList<>();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (deleteData && !force) {
            throw CliException.usage("--delete-data only goes with --force");
        }
        TreeWriter tree = TreeWriter.prepare(dir, force);
        List<Path> data = force ? dataInside(dir) : List.of();
        if (!data.isEmpty() && !deleteData) {
            throw CliException.failure(dir + " holds data that --force would delete: " + join(data)
                    + "; move it away first, or add --delete-data to delete it");
        }
        PasswordSource.UsersFile passwords = collectPasswords();
        char[] adminPassword = null;
        try {
            adminPassword = AdminPassword.forNewKey(adminPasswordFile, passwords.admin(), usersFile == null, dir, err);
            Argon2Params params = PasswordSource.kdf;
            Map<String, char[]> users = passwords.users();
            err.printf("Creating %d identit%s in %s (each password is stretched with Argon2id, %d MiB, %d passes)%n",
                    users.size(), users.size() == 1 ? "y" : "ies", dir, params.memoryKiB() / 1024, params.iterations());
            err.flush();
            IdentityKeys server = IdentityKeys.generate("server");
            IdentityKeys admin = IdentityKeys.generate(UserKeyFile.ADMIN_NAME);
            UserKeyFile adminFile = UserKeyFile.sealAdmin(admin, adminPassword, params);
            Map<String, Principal> principals = new LinkedHashMap<>();
            List<BundleLayout.UserEntry> entries = new ArrayList<>();
            int done = 0;
            for (Map.Entry<String, char[]> user : users.entrySet()) {
                err.printf("  [%d/%d] %s ...", ++done, users.size(), user.getKey());
                err.flush();
                IdentityKeys keys = IdentityKeys.generate(user.getKey());
                entries.add(new BundleLayout.UserEntry(user.getKey(), UserKeyFile.seal(keys, user.getValue(), params)));
                principals.put(user.getKey(), keys.principal());
                keys.destroy();
                err.println(" done");
                err.flush();
            }
            DirectoryLog log = DirectoryLog.genesis(admin, server.principal(), principals, System.currentTimeMillis());
            admin.destroy();
            if (!data.isEmpty()) {
                err.println("Deleting, with the old " + dir + ": " + join(data));
                err.flush();
            }
            tree.write(root -> BundleLayout.write(root, log, adminFile, server, entries));
            server.destroy();
            report(out, log, dir);
        } finally {
            passwords.clear();
            if (adminPassword != null) {
                Arrays.fill(adminPassword, '\0');
            }
        }
    }

    /** What --force would delete besides keys: the server's journal and the clients' local state. */
    static List<Path> dataInside(Path dir) {
        List<Path> found = new ArrayList<>();
        Path serverData = dir.resolve(BundleLayout.SERVER_DIR).resolve("data");
        if (Files.exists(serverData, LinkOption.NOFOLLOW_LINKS)) {
            found.add(serverData);
        }
        Path usersDir = dir.resolve(BundleLayout.USERS_DIR);
        if (Files.isDirectory(usersDir)) {
            try (DirectoryStream<Path> s = Files.newDirectoryStream(usersDir)) {
                List<Path> states = new ArrayList<>();
                for (Path user : s) {
                    Path state = user.resolve("state");
                    if (Files.exists(state, LinkOption.NOFOLLOW_LINKS)) {
                        states.add(state);
                    }
                }
                states.sort(null);
                found.addAll(states);
            } catch (IOException e) {
                throw CliException.failure("cannot look into " + usersDir + ": " + e.getMessage());
            }
        }
        return found;
    }

    private static String join(List<Path> paths) {
        return String.join(", ", paths.stream().map(Path::toString).toList());
    }

    private PasswordSource.UsersFile collectPasswords() {
        Set<String> named = new LinkedHashSet<>();
        for (String user : users) {
            String problem = Names.userProblem(user);
            if (problem != null) {
                throw CliException.usage(problem);
            }
            if (!named.add(user)) {
                throw CliException.usage("user '" + user + "' is given twice");
            }
        }
        Map<String, char[]> result = new LinkedHashMap<>();
        char[] admin = null;
        if (usersFile != null) {
            PasswordSource.UsersFile file = PasswordSource.readUsersFile(usersFile, spec.commandLine().getErr());
            admin = file.admin();
            Map<String, char[]> fromFile = file.users();
            for (Map.Entry<String, char[]> e : fromFile.entrySet()) {
                String problem = Names.userProblem(e.getKey());
                if (problem != null) {
                    throw CliException.usage(problem + " (in " + usersFile + ")");
                }
                if (e.getValue().length == 0) {
                    throw CliException.usage("empty password for user '" + e.getKey() + "' in " + usersFile);
                }
            }
            if (named.isEmpty()) {
                result.putAll(fromFile);
            } else {
                for (String user : named) {
                    char[] password = fromFile.get(user);
                    if (password == null) {
                        throw CliException.usage("user '" + user + "' has no password in " + usersFile);
                    }
                    result.put(user, password);
                }
            }
            String label = PasswordSource.label(usersFile);
            result.forEach((user, password) -> PasswordSource.requireLongEnough(password, "user '" + user + "' in " + label));
        } else {
            if (named.isEmpty()) {
                throw CliException.usage("no users given: name them (chat generate --dir DIR alice bob) or use --users-file");
            }
            Console console = System.console();
            if (console == null) {
                throw CliException.usage("standard input is not a terminal, so passwords cannot be asked: use --users-file FILE (or - for standard input)");
            }
            for (String user : named) {
                result.put(user, PasswordSource.promptNew(console, user));
            }
        }
        if (result.isEmpty()) {
            throw CliException.usage("no users given: " + usersFile + " lists none");
        }
        return new PasswordSource.UsersFile(result, admin);
    }

    private static void report(PrintWriter out, DirectoryLog log, Path dir) {
        Directory directory = log.current();
        out.println("Server fingerprint: " + directory.server().fingerprint());
        out.println("Admin fingerprint:  " + Problems.adminFingerprint(log.admin()));
        out.println("Users:");
        int width = directory.users().keySet().stream().mapToInt(String::length).max().orElse(4);
        for (Principal p : directory.users().values()) {
            out.printf("  %-" + width + "s  %s%n", p.name(), p.fingerprint());
        }
        out.println();
        out.println("Directory:      " + dir.resolve(DirectoryLog.FILE_NAME) + "   (version " + log.number()
                + ", signed by the admin key)");
        out.println("Admin key:      " + dir.resolve(BundleLayout.ADMIN_DIR).resolve(UserKeyFile.ADMIN_FILE_NAME)
                + "   (keep it; chat user add/remove need it)");
        out.println("Server bundle:  " + dir.resolve(BundleLayout.SERVER_DIR)
                + "   (run: chat server --dir " + dir.resolve(BundleLayout.SERVER_DIR) + ")");
        out.println("User bundles:   " + dir.resolve(BundleLayout.USERS_DIR).resolve("<user>")
                + "   (run: chat client --dir " + dir.resolve(BundleLayout.USERS_DIR).resolve("<user>") + ")");
        out.flush();
    }
}
