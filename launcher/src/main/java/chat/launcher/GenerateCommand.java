package chat.launcher;

import chat.crypto.Argon2Params;
import chat.protocol.Names;
import chat.protocol.identity.BundleLayout;
import chat.protocol.identity.Directory;
import chat.protocol.identity.IdentityKeys;
import chat.protocol.identity.Principal;
import chat.protocol.identity.UserKeyFile;
import java.io.Console;
import java.io.PrintWriter;
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
            "Writes DIR/server/ (run the server with: chat server --dir DIR/server),",
            "DIR/users/<user>/ for each user (run: chat client --dir DIR/users/<user>),",
            "and DIR/directory.json, the public directory of every key with its fingerprint.",
            "Each user's bundle holds only that user's private key, sealed with their password",
            "(Argon2id + AES-256-GCM); copy each bundle to its host and nothing else.",
            "",
            "Passwords are asked twice on the terminal, hidden, or read from --users-file.",
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

    @Option(names = "--force", description = "Replace DIR if it exists (the old one is removed only after the new one is complete).")
    boolean force;

    @Parameters(paramLabel = "USER", arity = "0..*",
            description = "User names: 1-32 letters, digits, '.', '_' or '-'. With --users-file, names given here must be in the file; without names, all users of the file are created.")
    List<String> users = new ArrayList<>();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        TreeWriter tree = TreeWriter.prepare(dir, force);
        Map<String, char[]> passwords = collectPasswords();
        try {
            Argon2Params params = Argon2Params.DEFAULT;
            err.printf("Creating %d identit%s in %s (each password is stretched with Argon2id, %d MiB, %d passes)%n",
                    passwords.size(), passwords.size() == 1 ? "y" : "ies", dir, params.memoryKiB() / 1024, params.iterations());
            err.flush();
            IdentityKeys server = IdentityKeys.generate("server");
            Map<String, Principal> principals = new LinkedHashMap<>();
            List<BundleLayout.UserEntry> entries = new ArrayList<>();
            int done = 0;
            for (Map.Entry<String, char[]> user : passwords.entrySet()) {
                err.printf("  [%d/%d] %s ...", ++done, passwords.size(), user.getKey());
                err.flush();
                IdentityKeys keys = IdentityKeys.generate(user.getKey());
                entries.add(new BundleLayout.UserEntry(user.getKey(), UserKeyFile.seal(keys, user.getValue(), params)));
                principals.put(user.getKey(), keys.principal());
                keys.destroy();
                err.println(" done");
                err.flush();
            }
            Directory directory = new Directory(server.principal(), principals);
            tree.write(root -> BundleLayout.write(root, directory, server, entries));
            server.destroy();
            report(out, directory, dir);
        } finally {
            passwords.values().forEach(p -> Arrays.fill(p, '\0'));
        }
    }

    private Map<String, char[]> collectPasswords() {
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
        if (usersFile != null) {
            Map<String, char[]> fromFile = PasswordSource.readUsersFile(usersFile);
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
        return result;
    }

    private static void report(PrintWriter out, Directory directory, Path dir) {
        out.println("Server fingerprint: " + directory.server().fingerprint());
        out.println("Users:");
        int width = directory.users().keySet().stream().mapToInt(String::length).max().orElse(4);
        for (Principal p : directory.users().values()) {
            out.printf("  %-" + width + "s  %s%n", p.name(), p.fingerprint());
        }
        out.println();
        out.println("Server bundle:  " + dir.resolve(BundleLayout.SERVER_DIR)
                + "   (run: chat server --dir " + dir.resolve(BundleLayout.SERVER_DIR) + ")");
        out.println("User bundles:   " + dir.resolve(BundleLayout.USERS_DIR).resolve("<user>")
                + "   (run: chat client --dir " + dir.resolve(BundleLayout.USERS_DIR).resolve("<user>") + ")");
        out.flush();
    }
}
