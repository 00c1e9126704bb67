package chat.launcher;

import chat.server.ChatServer;
import chat.server.ServerConfig;
import chat.server.ServerException;
import chat.server.Stores;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * {@code chat server --check}: what starting would run into, found without starting. One
 * line per check on standard output, "ok: ...", "warning: ..." (the server starts, but
 * look) or "problem: ..." (it would not start, or not work); the run fails (exit 1) if
 * any check found a problem. The checks ask the same code the server starts with
 * ({@link ChatServer}'s check methods, {@link Stores#check}, the descriptor budget of
 * {@link ServerCommand}), and change nothing: no folder is created, no lock kept, no
 * schema written.
 */
final class ServerCheck {

    private final PrintWriter out;
    private int problems;
    private int warnings;

    ServerCheck(PrintWriter out) {
        this.out = out;
    }

    /**
     * Runs every check for {@code config}, on the journal or, if {@code store} is a URL, on
     * that database (with the password {@code storePassword} gives).
     *
     * @throws CliException (exit 1) after the last line if a check found a problem
     */
    void run(ServerConfig config, String store, Supplier<char[]> storePassword, Path storesDir) {
        bundle(config);
        if (store == null) {
            journal(config);
            disk(config);
        } else {
            store(store, storePassword, storesDir);
        }
        descriptors(config.maxConnections());
        listen(config);
        out.flush();
        if (problems > 0) {
            throw CliException.failure("the server would not start as it is: " + count(problems, "problem")
                    + " (see above)");
        }
        out.println(warnings == 0 ? "all checks passed" : "the server can start; " + count(warnings, "warning") + " above");
        out.flush();
    }

    private void bundle(ServerConfig config) {
        Path dir = config.bundleDir();
        if (!Files.isDirectory(dir)) {
            problem("server bundle " + dir + " does not exist (create it with 'chat generate')");
            return;
        }
        try {
            ok("server bundle " + dir + ": " + ChatServer.checkBundle(config));
        } catch (ServerException e) {
            problem(e.getMessage());
            return;
        }
        String open = KeyFileModes.openWarning(dir.resolve(chat.protocol.identity.ServerKeyFile.FILE_NAME),
                ServerCommand.SERVER_KEY);
        if (open != null) {
            warning(open);
        }
    }

    private void journal(ServerConfig config) {
        try {
            ok("data folder " + config.dataDir() + ": " + ChatServer.checkJournal(config));
        } catch (ServerException e) {
            problem("data folder: " + e.getMessage());
        }
    }

    private void store(String url, Supplier<char[]> password, Path storesDir) {
        try {
            ok("store " + Stores.check(url, password.get(), storesDir));
        } catch (ServerException | CliException e) {
            problem("store: " + e.getMessage());
        }
    }

    /** Free space where the journal is (or would be) against --min-free-disk and --max-storage. */
    private void disk(ServerConfig config) {
        Path at = config.dataDir().toAbsolutePath();
        while (at != null && !Files.exists(at)) {
            at = at.getParent();
        }
        if (at == null) {
            return; // the data folder check said why
        }
        long free;
        try {
            free = Files.getFileStore(at).getUsableSpace();
        } catch (IOException e) {
            warning("cannot tell the free space on the data folder's disk: " + e.getMessage());
            return;
        }
        long reserve = config.quotas().minFreeDiskBytes();
        long total = config.quotas().totalBytes();
        String has = "the data folder's disk has " + ByteSize.format(free) + " free";
        if (free < reserve) {
            warning(has + ", less than --min-free-disk " + ByteSize.format(reserve)
                    + ": new messages, channels and invitations would be refused until space is freed");
        } else if (total > 0 && total > free - reserve) {
            warning(has + ": it fills (down to --min-free-disk " + ByteSize.format(reserve) + ") before --max-storage "
                    + ByteSize.format(total) + " is reached");
        } else {
            ok(has + " (--min-free-disk " + ByteSize.format(reserve)
                    + (total > 0 ? ", --max-storage " + ByteSize.format(total) : "") + ")");
        }
    }

    private void descriptors(int asked) {
        ServerCommand.DescriptorBudget budget = new ServerCommand.DescriptorBudget(ServerCommand.openFileLimit(), asked);
        if (!budget.known()) {
            warning("the open-file limit of this process is unknown or unlimited: --max-connections " + asked
                    + " not checked against it");
        } else if (budget.tooSmall()) {
            problem(budget.tooSmallSentence());
        } else if (budget.clamped()) {
            warning(budget.clampedSentence());
        } else {
            ok("open-file limit " + budget.limit() + " (ulimit -n): room for --max-connections " + asked + " and "
                    + ServerCommand.RESERVED_DESCRIPTORS + " more for the journal");
        }
    }

    private void listen(ServerConfig config) {
        String address = config.listen().getHostString() + ":" + config.listen().getPort();
        try {
            ChatServer.checkListen(config);
            ok("listen address " + address + " is free");
        } catch (ServerException e) {
            problem(e.getMessage());
        }
    }

    private void ok(String what) {
        out.println("ok: " + what);
    }

    private void warning(String what) {
        warnings++;
        out.println("warning: " + what);
    }

    private void problem(String what) {
        problems++;
        out.println("problem: " + what);
    }

    private static String count(int n, String what) {
        return n + " " + what + (n == 1 ? "" : "s");
    }
}
