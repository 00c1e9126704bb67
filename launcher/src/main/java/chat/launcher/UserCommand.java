package chat.launcher;

import chat.protocol.Names;
import chat.protocol.identity.BundleLayout;
import chat.protocol.identity.Directory;
import chat.protocol.identity.DirectoryException;
import chat.protocol.identity.DirectoryLog;
import chat.protocol.identity.DirectoryVersion;
import chat.protocol.identity.IdentityFileException;
import chat.protocol.identity.IdentityKeys;
import chat.protocol.identity.KeyRequest;
import chat.protocol.identity.Principal;
import chat.protocol.identity.UserKeyFile;
import java.io.Console;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code chat user}: changes the directory of users over time, in the admin's keys folder. */
@Command(name = "user",
        mixinStandardHelpOptions = true,
        description = {
            "Add, remove and list users, in the keys folder 'chat generate' made (KEYS).",
            "",
            "Each change is one new version of the directory log, signed with the admin key "
                    + "(KEYS/admin/admin.key), and written to every directory.json under KEYS: "
                    + "KEYS/server/directory.json (a running server loads it within a few seconds), each "
                    + "KEYS/users/NAME/directory.json, and KEYS/directory.json, the admin's own copy, last.",
            "",
            "The admin key's password comes from --admin-password-file FILE, the environment "
                    + "variable CHAT_ADMIN_PASSWORD, an '@admin:PASSWORD' line of --users-file, or a hidden "
                    + "prompt on a terminal; otherwise the empty password is tried.",
            ""
        },
        subcommands = {UserCommand.Add.class, UserCommand.Remove.class, UserCommand.ListUsers.class,
            UserCommand.Upgrade.class})
final class UserCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command: choose one of "
                + String.join(", ", spec.subcommands().keySet()));
    }

    /** The options every changing subcommand has. */
    static class KeysOptions {
        @Option(names = "--dir", required = true, paramLabel = "KEYS",
                description = "The keys folder 'chat generate' made (holding directory.json, admin/, server/, users/).")
        Path dir;

        @Option(names = "--admin-password-file", paramLabel = "FILE",
                description = "Read the admin key's password from the first line of FILE.")
        Path adminPasswordFile;
    }

    static IdentityKeys unlockAdmin(KeysFolder keys, DirectoryLog log, Path passwordFile, char[] fromUsersFile,
            PrintWriter err) {
        IdentityKeys admin = AdminPassword.unlock(keys.adminKey(), passwordFile, fromUsersFile, err);
        if (!admin.signing().publicKey().equals(log.admin())) {
            admin.destroy();
            throw CliException.failure(keys.adminKey() + " is not the admin key that signed " + keys.directoryFile());
        }
        return admin;
    }

    static DirectoryLog sign(DirectoryLog log, IdentityKeys admin, Map<String, Principal> add, Set<String> revoke) {
        try {
            return log.sign(admin, add, revoke, System.currentTimeMillis());
        } catch (DirectoryException e) {
            throw CliException.failure("cannot sign the next directory version: " + e.getMessage());
        } finally {
            admin.destroy();
        }
    }

    static void serverNote(PrintWriter out, KeysFolder keys) {
        out.println("A server running on " + keys.serverDir() + " picks this up within a few seconds. A server on");
        out.println("another host: copy " + keys.serverDir().resolve(DirectoryLog.FILE_NAME)
                + " there (it is signed, public data).");
    }

    // ------------------------------------------------------------------ add

    @Command(name = "add",
            mixinStandardHelpOptions = true,
            description = {
                "Add users to the directory, as one new version signed by the admin key.",
                "",
                "  chat user add --dir KEYS NAME...            (passwords asked, hidden)",
                "  chat user add --dir KEYS --users-file FILE|-  (user:password lines)",
                "  chat user add --dir KEYS --request FILE...  (made with chat keygen)",
                "",
                "A new user gets the bundle KEYS/users/NAME/ (for --request: only directory.json, since"
                        + " the user holds the key). Existing keys and bundles are untouched, except that every "
                        + "directory.json under KEYS is replaced by the new log. A name already in the directory "
                        + "is refused: to give someone a new key, remove them first. A removed user may be added "
                        + "again: their old bundle folder is moved aside to KEYS/users/NAME.revoked-<version>. "
                        + "A new user's password needs at least " + PasswordSource.MIN_LENGTH + " characters.",
                ""
            })
    static final class Add implements Runnable {

        @CommandLine.Mixin
        KeysOptions keysOptions;

        @Option(names = "--users-file", paramLabel = "FILE",
                description = "Read new users and passwords from FILE, one 'user:password' per line ('-' = standard input); "
                        + "an '@admin:PASSWORD' line gives the admin key's password.")
        String usersFile;

        @Option(names = "--request", paramLabel = "FILE", arity = "1..*",
                description = "Key requests (NAME.request.json) that users made with chat keygen.")
        List<Path> requests = new ArrayList<>();

        @Parameters(paramLabel = "NAME", arity = "0..*",
                description = "New user names: 1-32 letters, digits, '.', '_' or '-'. With --users-file, only these of the file.")
        List<String> names = new ArrayList<>();

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            if (!requests.isEmpty() && (usersFile != null || !names.isEmpty())) {
                throw CliException.usage("--request does not go with --users-file or user names: give one or the other");
            }
            Path dir = keysOptions.dir;
            try (KeysFolder keys = KeysFolder.open(dir)) {
                keys.removeStaleStaging();
                KeysFolder.Loaded loaded = keys.load(err);
                DirectoryLog log = loaded.log();

                Map<String, KeyRequest> admitted = new LinkedHashMap<>();
                PasswordSource.UsersFile file = null;
                Set<String> wanted = new LinkedHashSet<>();
                if (!requests.isEmpty()) {
                    for (Path request : requests) {
                        KeyRequest r;
                        try {
                            r = KeyRequest.load(request);
                        } catch (IdentityFileException e) {
                            throw CliException.failure("the key request is refused: " + e.getMessage());
                        }
                        if (admitted.put(r.principal().name(), r) != null) {
                            throw CliException.usage("two requests for user '" + r.principal().name() + "'");
                        }
                    }
                    wanted.addAll(admitted.keySet());
                } else {
                    for (String name : names) {
                        if (!wanted.add(name)) {
                            throw CliException.usage("user '" + name + "' is given twice");
                        }
                    }
                    if (usersFile != null) {
                        file = PasswordSource.readUsersFile(usersFile, err);
                        if (wanted.isEmpty()) {
                            wanted.addAll(file.users().keySet());
                        }
                        for (String name : wanted) {
                            char[] password = file.users().get(name);
                            if (password == null) {
                                throw CliException.usage("user '" + name + "' has no password in " + usersFile);
                            }
                            if (password.length == 0) {
                                throw CliException.usage("empty password for user '" + name + "' in " + usersFile);
                            }
                            PasswordSource.requireLongEnough(password,
                                    "user '" + name + "' in " + PasswordSource.label(usersFile));
                        }
                    }
                    if (wanted.isEmpty()) {
                        throw CliException.usage(usersFile == null
                                ? "no users given: name them (chat user add --dir KEYS alice), or use --users-file or --request"
                                : "no users given: " + usersFile + " lists none");
                    }
                }
                Map<String, Path> moveAside = checkNew(keys, log, wanted);
                if (file == null && requests.isEmpty() && PasswordSource.terminal() == null) {
                    throw CliException.usage("standard input is not a terminal, so passwords cannot be asked: "
                            + "use --users-file FILE (or - for standard input)");
                }

                IdentityKeys admin = unlockAdmin(keys, log, keysOptions.adminPasswordFile,
                        file == null ? null : file.admin(), err);
                loaded.noteRecovery(err, keys.directoryFile());
                Map<String, Principal> principals = new LinkedHashMap<>();
                List<BundleLayout.UserEntry> entries = new ArrayList<>();
                try {
                    if (!admitted.isEmpty()) {
                        for (KeyRequest r : admitted.values()) {
                            principals.put(r.principal().name(), r.principal());
                            entries.add(new BundleLayout.UserEntry(r.principal().name(), null));
                        }
                    } else {
                        Console console = file == null ? PasswordSource.terminal() : null;
                        for (String name : wanted) {
                            char[] password = file != null ? file.users().get(name) : PasswordSource.promptNew(console, name);
                            err.printf("  %s ...", name);
                            err.flush();
                            IdentityKeys k = IdentityKeys.generate(name);
                            entries.add(new BundleLayout.UserEntry(name, UserKeyFile.seal(k, password, PasswordSource.kdf)));
                            principals.put(name, k.principal());
                            k.destroy();
                            if (file == null) {
                                Arrays.fill(password, '\0');
                            }
                            err.println(" done");
                            err.flush();
                        }
                    }
                } catch (RuntimeException e) {
                    admin.destroy();
                    throw e;
                } finally {
                    if (file != null) {
                        file.clear();
                    }
                }
                DirectoryLog next = sign(log, admin, principals, Set.of());

                for (Map.Entry<String, Path> aside : moveAside.entrySet()) {
                    Path from = keys.usersDir().resolve(aside.getKey());
                    move(from, aside.getValue());
                    out.println("Moved the bundle folder of the removed user " + aside.getKey() + " aside: " + from
                            + " -> " + aside.getValue());
                }
                writeBundles(keys, next, entries);
                keys.publish(next);

                out.println("Directory version " + next.number() + ": added " + String.join(", ", principals.keySet()));
                int width = principals.keySet().stream().mapToInt(String::length).max().orElse(4);
                for (Principal p : principals.values()) {
                    Path bundle = keys.usersDir().resolve(p.name());
                    out.printf("  %-" + width + "s  %s  %s%n", p.name(), p.fingerprint(), admitted.isEmpty()
                            ? bundle + "   (give it to " + p.name() + " only; run: chat client --dir " + bundle + ")"
                            : bundle + "   (holds only directory.json: " + p.name() + " copies "
                                    + keys.directoryFile() + " into their own folder)");
                }
                serverNote(out, keys);
                out.flush();
            }
        }

        /** Refuses names that cannot be added; returns the folders of removed users to move aside. */
        private static Map<String, Path> checkNew(KeysFolder keys, DirectoryLog log, Set<String> wanted) {
            Map<String, Path> moveAside = new LinkedHashMap<>();
            for (String name : wanted) {
                String problem = Names.userProblem(name);
                if (problem != null) {
                    throw CliException.usage(problem);
                }
                if (log.current().user(name).isPresent()) {
                    throw CliException.failure("user '" + name + "' is in the directory already (since version "
                            + log.entered(name).map(DirectoryVersion::number).orElse(1L) + "); to give " + name
                            + " a new key, run chat user remove first");
                }
                Path folder = keys.usersDir().resolve(name);
                if (Files.exists(folder, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    if (!log.isRevoked(name)) {
                        throw CliException.failure(folder + " exists, but '" + name + "' is not in the directory: "
                                + "move it away or delete it, then run this again");
                    }
                    long version = log.revocation(name).orElseThrow().number();
                    Path aside = keys.usersDir().resolve(name + ".revoked-" + version);
                    if (Files.exists(aside, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                        throw CliException.failure(folder + " (of the removed user " + name + ") must be moved aside to "
                                + aside + ", which exists already: move one of them away");
                    }
                    moveAside.put(name, aside);
                }
            }
            return moveAside;
        }

        /** Writes the new bundles into a hidden folder, then renames each into KEYS/users. */
        private static void writeBundles(KeysFolder keys, DirectoryLog log, List<BundleLayout.UserEntry> entries) {
            Path staging = keys.usersDir().resolve(".add-" + ProcessHandle.current().pid());
            try {
                Files.createDirectories(keys.usersDir());
                TreeWriter.deleteQuietly(staging);
                Files.createDirectory(staging, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                for (BundleLayout.UserEntry entry : entries) {
                    BundleLayout.writeUser(staging, log, entry);
                }
                for (BundleLayout.UserEntry entry : entries) {
                    Files.move(staging.resolve(entry.name()), keys.usersDir().resolve(entry.name()), StandardCopyOption.ATOMIC_MOVE);
                }
            } catch (IOException e) {
                throw CliException.failure("cannot write the new bundles in " + keys.usersDir() + ": " + e.getMessage()
                        + " (" + keys.directoryFile() + " is unchanged)");
            } finally {
                TreeWriter.deleteQuietly(staging);
            }
        }

        private static void move(Path from, Path to) {
            try {
                Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw CliException.failure("cannot move " + from + " to " + to + ": " + e.getMessage());
            }
        }
    }

    // ------------------------------------------------------------------ remove

    @Command(name = "remove",
            mixinStandardHelpOptions = true,
            description = {
                "Remove (revoke) users: one new directory version, signed by the admin key.",
                "",
                "Their keys no longer log in: a running server refuses them once it has loaded the new "
                        + "KEYS/server/directory.json (within a few seconds), and clients stop encrypting to "
                        + "them. Their bundle folders under KEYS/users are left as they are. To give a user a new"
                        + " key, remove them, then add them again.",
                ""
            })
    static final class Remove implements Runnable {

        @CommandLine.Mixin
        KeysOptions keysOptions;

        @Parameters(paramLabel = "NAME", arity = "1..*", description = "Users to remove.")
        List<String> names = new ArrayList<>();

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            try (KeysFolder keys = KeysFolder.open(keysOptions.dir)) {
                KeysFolder.Loaded loaded = keys.load(err);
                DirectoryLog log = loaded.log();
                Set<String> revoke = new TreeSet<>();
                for (String name : names) {
                    String problem = Names.userProblem(name);
                    if (problem != null) {
                        throw CliException.usage(problem);
                    }
                    if (log.current().user(name).isEmpty()) {
                        throw CliException.failure(log.isRevoked(name)
                                ? "user '" + name + "' was removed already (directory version "
                                        + log.revocation(name).orElseThrow().number() + ")"
                                : "user '" + name + "' is not in the directory (" + keys.directoryFile() + ")");
                    }
                    if (!revoke.add(name)) {
                        throw CliException.usage("user '" + name + "' is given twice");
                    }
                }
                IdentityKeys admin = unlockAdmin(keys, log, keysOptions.adminPasswordFile, null, err);
                loaded.noteRecovery(err, keys.directoryFile());
                DirectoryLog next = sign(log, admin, Map.of(), revoke);
                keys.publish(next);
                out.println("Directory version " + next.number() + ": removed " + String.join(", ", revoke));
                for (String name : revoke) {
                    Path folder = keys.usersDir().resolve(name);
                    if (Files.isDirectory(folder)) {
                        out.println("  " + name + ": the bundle " + folder + " is left in place, but its key no longer logs in");
                    } else {
                        out.println("  " + name + ": this key no longer logs in");
                    }
                }
                serverNote(out, keys);
                out.flush();
            }
        }
    }

    // ------------------------------------------------------------------ list

    @Command(name = "list",
            mixinStandardHelpOptions = true,
            description = {
                "List the users of the directory in KEYS/directory.json: each one's fingerprint and the"
                        + " version their key entered, the removed names, the directory's version and head, and "
                        + "the admin key's fingerprint. Needs no password.",
                ""
            })
    static final class ListUsers implements Runnable {

        @Option(names = "--dir", required = true, paramLabel = "KEYS", description = "The keys folder.")
        Path dir;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            KeysFolder keys = KeysFolder.read(dir);
            KeysFolder.Loaded loaded = keys.load(err);
            if (loaded.recoveredFrom() != null) {
                err.println("note: " + loaded.recoveredFrom() + " holds version " + loaded.log().number() + " but "
                        + keys.directoryFile() + " only version " + loaded.authoritative()
                        + ": an earlier chat user command was interrupted; the next add or remove finishes it. "
                        + "Listed: " + keys.directoryFile());
                err.flush();
            }
            DirectoryLog log;
            try {
                log = DirectoryLog.load(keys.directoryFile());
            } catch (IdentityFileException e) {
                throw Problems.of(e);
            }
            Directory current = log.current();
            out.println("Directory: " + keys.directoryFile() + ", version " + log.number() + ", head "
                    + java.util.HexFormat.of().formatHex(log.head(), 0, 8));
            out.println("Admin fingerprint:  " + Problems.adminFingerprint(log.admin()));
            out.println("Server fingerprint: " + current.server().fingerprint());
            out.println("Users (" + current.users().size() + "):");
            int width = current.users().keySet().stream().mapToInt(String::length).max().orElse(4);
            for (Principal p : current.users().values()) {
                out.printf("  %-" + width + "s  %s  (since version %d)%n", p.name(), p.fingerprint(),
                        log.entered(p.name()).map(DirectoryVersion::number).orElse(1L));
            }
            Set<String> revoked = log.revokedNames();
            if (!revoked.isEmpty()) {
                out.println("Removed:");
                for (String name : revoked) {
                    out.println("  " + name + "  (version " + log.revocation(name).orElseThrow().number() + ")");
                }
            }
            out.flush();
        }
    }

    // ------------------------------------------------------------------ upgrade

    @Command(name = "upgrade",
            mixinStandardHelpOptions = true,
            description = {
                "Upgrade a keys folder made by an older chat generate (an unsigned directory.json, "
                        + "format 1, and no admin key): creates KEYS/admin/admin.key and signs version 1 of the "
                        + "directory log with the same server and user keys, then replaces every directory.json "
                        + "under KEYS. Bundles already handed out need the new KEYS/directory.json copied in: "
                        + "clients refuse the old format.",
                ""
            })
    static final class Upgrade implements Runnable {

        @CommandLine.Mixin
        KeysOptions keysOptions;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            Path dir = keysOptions.dir;
            try (KeysFolder keys = KeysFolder.open(dir)) {
                Directory legacy = readLegacy(keys);
                removeStaleAdminStaging(keys);
                if (Files.exists(keys.adminDir(), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    if (resume(keys, legacy, out, err)) {
                        return;
                    }
                    throw CliException.failure(keys.adminDir() + " exists already: this keys folder has an admin key, "
                            + "but " + keys.directoryFile() + " is still format 1; move " + keys.adminDir()
                            + " away if it does not belong here, then run this again");
                }
                char[] password = AdminPassword.forNewKey(keysOptions.adminPasswordFile, null, true, dir, err);
                IdentityKeys admin = IdentityKeys.generate(UserKeyFile.ADMIN_NAME);
                UserKeyFile adminFile;
                try {
                    adminFile = UserKeyFile.sealAdmin(admin, password, PasswordSource.kdf);
                } finally {
                    Arrays.fill(password, '\0');
                }
                DirectoryLog log = DirectoryLog.genesis(admin, legacy.server(), legacy.users(), System.currentTimeMillis());
                admin.destroy();
                // The admin key first into a hidden folder; the copies; the admin folder into place; KEYS/directory.json.
                // Stopped before the admin folder is in place, a re-run starts over; after, it resumes (see resume).
                Path staging = keys.root.resolve(".admin.partial-" + ProcessHandle.current().pid());
                try {
                    BundleLayout.privateDir(staging);
                    adminFile.write(staging.resolve(UserKeyFile.ADMIN_FILE_NAME));
                    keys.publishCopies(log);
                    Files.move(staging, keys.adminDir(), StandardCopyOption.ATOMIC_MOVE);
                } catch (IOException e) {
                    throw CliException.failure("cannot write the admin key " + keys.adminKey() + ": " + e.getMessage());
                } finally {
                    TreeWriter.deleteQuietly(staging);
                }
                keys.publishAuthoritative(log);
                report(out, keys, log, "Upgraded");
            }
        }

        private static Directory readLegacy(KeysFolder keys) {
            try {
                DirectoryLog.load(keys.directoryFile());
                throw CliException.failure(keys.directoryFile() + " is a signed directory (format 2) already: "
                        + "nothing to upgrade");
            } catch (IdentityFileException e) {
                if (e.reason() != IdentityFileException.Reason.OUTDATED) {
                    throw Problems.of(e);
                }
            }
            try {
                return DirectoryLog.readLegacy(keys.directoryFile());
            } catch (IdentityFileException e) {
                throw Problems.of(e);
            }
        }

        private static void removeStaleAdminStaging(KeysFolder keys) {
            try (var s = Files.newDirectoryStream(keys.root, ".admin.partial-*")) {
                for (Path p : s) {
                    TreeWriter.deleteQuietly(p);
                }
            } catch (IOException ignored) {
                // best effort
            }
        }

        /**
         * An upgrade stopped after the admin folder was in place: a copy holds version 1 of the
         * same keys, signed by KEYS/admin/admin.key; finishing means writing it everywhere.
         */
        private boolean resume(KeysFolder keys, Directory legacy, PrintWriter out, PrintWriter err) {
            if (!Files.exists(keys.adminKey())) {
                return false;
            }
            for (Path copy : keys.copies()) {
                DirectoryLog log;
                try {
                    log = DirectoryLog.load(copy);
                } catch (IdentityFileException e) {
                    continue;
                }
                if (log.number() != 1 || !log.current().equals(legacy)) {
                    continue;
                }
                IdentityKeys admin = AdminPassword.unlock(keys.adminKey(), keysOptions.adminPasswordFile, null, err);
                boolean same = admin.signing().publicKey().equals(log.admin());
                admin.destroy();
                if (!same) {
                    return false;
                }
                err.println("note: an earlier upgrade was interrupted; finishing it with " + copy);
                err.flush();
                keys.publish(log);
                report(out, keys, log, "Upgraded");
                return true;
            }
            return false;
        }

        private static void report(PrintWriter out, KeysFolder keys, DirectoryLog log, String what) {
            out.println(what + " " + keys.root + ": directory version " + log.number() + ", signed by the new admin key "
                    + keys.adminKey());
            out.println("Admin fingerprint: " + Problems.adminFingerprint(log.admin()));
            out.println("Users: " + String.join(", ", log.current().users().keySet()) + " (same keys as before)");
            out.println("Every directory.json under " + keys.root + " now holds the signed directory. Copy "
                    + keys.directoryFile());
            out.println("into every user's bundle already handed out (their clients refuse the old format), and to the");
            out.println("server host if the server does not run on " + keys.serverDir() + ".");
            out.flush();
        }
    }
}
