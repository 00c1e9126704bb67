package chat.launcher;

import chat.protocol.ProtocolLimits;
import chat.server.ChatServer;
import chat.server.ServerConfig;
import chat.server.ServerException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code chat server}: runs the relay until Ctrl-C or SIGTERM, then shuts down cleanly (exit 0). */
@Command(name = "server",
        mixinStandardHelpOptions = true,
        description = {
            "Run the chat server, which relays end-to-end encrypted channels it cannot read.",
            "",
            "It authenticates users, checks, orders, timestamps, stores and relays their channels.",
            "",
            "It prints 'listening on HOST:PORT' on standard output once ready (with --listen",
            "HOST:0 the port is chosen by the system). Logs go to standard error.",
            "Ctrl-C or SIGTERM: stop accepting, finish and store what was accepted, tell the",
            "clients, exit 0.",
            ""
        })
final class ServerCommand implements Runnable {

    @Option(names = "--dir", paramLabel = "DIR",
            description = "The server bundle made by 'chat generate' (DIR/server).")
    Path dir;

    @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:8989",
            description = "Address to listen on (default: ${DEFAULT-VALUE}). Binding anything but loopback is your explicit choice.")
    String listen;

    @Option(names = "--data", paramLabel = "DIR", description = "Where the message journal lives (default: DIR/data).")
    Path data;

    @Option(names = "--store", paramLabel = "URL",
            description = "Keep the history in PostgreSQL instead of the journal, shared by every server started with the"
                    + " same URL: postgresql://USER@HOST:PORT/DATABASE. The password comes from PGPASSWORD or"
                    + " --store-password-file, never from the command line. The schema is created on first start.")
    String store;

    @Option(names = "--store-password-file", paramLabel = "FILE",
            description = "A file whose first line is the --store database password (instead of PGPASSWORD).")
    Path storePasswordFile;

    @Option(names = "--max-frame-bytes", paramLabel = "N", defaultValue = "1048576",
            description = "Largest frame a client may send, in bytes: 1024 to 2097152 (2 MiB, what the journal"
                    + " stores per entry) (default: ${DEFAULT-VALUE}).")
    int maxFrameBytes;

    @Option(names = "--max-connections", paramLabel = "N", defaultValue = "16384",
            description = "Open connections in total (default: ${DEFAULT-VALUE}).")
    int maxConnections;

    @Option(names = "--max-connections-per-user", paramLabel = "N", defaultValue = "32",
            description = "Logged-in connections of one user (default: ${DEFAULT-VALUE}).")
    int maxPerUser;

    @Option(names = "--handshake-timeout", paramLabel = "SECONDS", defaultValue = "10",
            description = "Time allowed for the login handshake (default: ${DEFAULT-VALUE}).")
    double handshakeSeconds;

    @Option(names = "--idle-timeout", paramLabel = "SECONDS", defaultValue = "300",
            description = "Disconnect a client silent for this long (default: ${DEFAULT-VALUE}; clients ping every 30).")
    double idleSeconds;

    @Option(names = "--queue-length", paramLabel = "FRAMES", defaultValue = "8192",
            description = "Frames queued for one client before it counts as too slow and is disconnected (default: ${DEFAULT-VALUE}).")
    int queueLength;

    @Option(names = "--max-channels-per-user", paramLabel = "N", defaultValue = "1000",
            description = "Channels one user may be a member of; creating or inviting beyond it is refused (default: ${DEFAULT-VALUE}, at most 4000).")
    int maxChannelsPerUser;

    @Option(names = "--max-rate", paramLabel = "N", defaultValue = "200",
            description = "Entries (messages, invitations, member changes) one user may send per second over all their"
                    + " connections, with a burst of as many; a faster sender is slowed down, not refused, and other"
                    + " users do not wait for it. 0 = no limit (default: ${DEFAULT-VALUE}).")
    int maxRate;

    @Option(names = "--max-storage-per-user", paramLabel = "SIZE", defaultValue = "0",
            description = "What one user's messages, channels and invitations may add up to in the journal, e.g. 500M"
                    + " or 2G; past it they are refused (storageFull) while leaving and key rotations still work."
                    + " 0 = no limit (default: ${DEFAULT-VALUE}).")
    String maxStoragePerUser;

    @Option(names = "--max-storage", paramLabel = "SIZE", defaultValue = "0",
            description = "What everyone's entries together may add up to, e.g. 50G; 0 = no limit (default: ${DEFAULT-VALUE}).")
    String maxStorage;

    @Option(names = "--min-free-disk", paramLabel = "SIZE", defaultValue = "256M",
            description = "Free space kept on the journal's disk: below it new entries are refused (storageFull) instead"
                    + " of filling the disk and stopping the server; 0 = no reserve (default: ${DEFAULT-VALUE}).")
    String minFreeDisk;

    @Option(names = "--max-handshakes-per-address", paramLabel = "N", defaultValue = "64",
            description = "Connections from one IP address that may be logging in at once; past it that address's"
                    + " oldest unfinished login is closed, so one address cannot crowd out others (default: ${DEFAULT-VALUE}).")
    int maxHandshakesPerAddress;

    @Option(names = "--retain", paramLabel = "DURATION",
            description = "How long messages are kept, e.g. 30d, 12h, 90m or 45s; older ones are compacted away (their"
                    + " disk space is given back) and members' clients show each run of them as one line, \"N older"
                    + " messages expired on the server\". Channel creations, invitations, member changes and key"
                    + " rotations are always kept. Default: for ever.")
    String retain;

    @Option(names = "--retain-days", paramLabel = "N", description = "The same as --retain Nd.")
    Integer retainDays;

    @Option(names = "--compact-every", paramLabel = "DURATION", defaultValue = "1h",
            description = "How often expired messages are compacted away, and once at start (with --retain); short"
                    + " intervals such as 1s are for tests (default: ${DEFAULT-VALUE}).")
    String compactEvery;

    @Option(names = "--log-level", paramLabel = "LEVEL", defaultValue = "INFO",
            description = "SEVERE, WARNING, INFO, FINE or ALL (default: ${DEFAULT-VALUE}).")
    String logLevel;

    @Option(names = "--repair-journal",
            description = "Before starting, repair a journal damaged in the middle (the server refuses to start on one and"
                    + " says so): everything from the damaged record on is moved into DATA/damaged-<time>/, not deleted,"
                    + " and the server starts with the entries before it. Members' clients then report the shorter history.")
    boolean repairJournal;

    @Option(names = "--check",
            description = "Check instead of starting: the server bundle and its key, the data folder (or the --store"
                    + " database and its schema), the open-file limit against --max-connections, the free disk space"
                    + " against the storage limits, and that the --listen address is free. One line per check: ok,"
                    + " warning or problem. Exits 0 when nothing is a problem, 1 when something is.")
    boolean check;

    @CommandLine.Mixin
    ConfigOption config;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** What the server key file is, for warnings about its mode. */
    static final String SERVER_KEY = "the server's private key, not encrypted";

    /** Descriptors kept for the journal (segments, index files), the JVM's own files and the listening socket. */
    static final int RESERVED_DESCRIPTORS = 256;

    /**
     * Every connection holds a file descriptor: more connections than the process's limit
     * allows ({@code ulimit -n}) would leave the journal unable to open a file, and a
     * storage failure stops the server. The limit is read at start-up; connections are
     * clamped to it minus a reserve, with a sentence saying so, and a limit too small to
     * run at all is refused.
     */
    static int fitToDescriptorLimit(int asked, PrintWriter err) {
        DescriptorBudget budget = new DescriptorBudget(openFileLimit(), asked);
        if (budget.tooSmall()) {
            throw CliException.failure(budget.tooSmallSentence());
        }
        if (budget.clamped()) {
            err.println(Logging.journalPrefix(java.util.logging.Level.WARNING) + "chat: warning: "
                    + budget.clampedSentence());
            err.flush();
        }
        return budget.connections();
    }

    /**
     * What an open-file limit allows for {@code asked} connections, keeping
     * {@link #RESERVED_DESCRIPTORS}: shared by the start-up clamp and {@code --check}.
     *
     * @param limit the soft limit on open files, or -1 if unknown (not Linux) or unlimited
     */
    record DescriptorBudget(long limit, int asked) {

        boolean known() {
            return limit > 0;
        }

        /** Below twice the reserve the server refuses to start. */
        boolean tooSmall() {
            return known() && limit < 2L * RESERVED_DESCRIPTORS;
        }

        /** More connections asked than fit: the server serves {@link #connections()} instead. */
        boolean clamped() {
            return known() && asked > limit - RESERVED_DESCRIPTORS;
        }

        int connections() {
            return clamped() ? (int) (limit - RESERVED_DESCRIPTORS) : asked;
        }

        String tooSmallSentence() {
            return "the open-file limit of this process is " + limit + " (ulimit -n); the server needs at least "
                    + 2 * RESERVED_DESCRIPTORS + ": raise it with ulimit -n";
        }

        String clampedSentence() {
            return "the open-file limit of this process is " + limit + " (ulimit -n): serving at most " + connections()
                    + " connections instead of " + asked + ", keeping " + RESERVED_DESCRIPTORS
                    + " descriptors for the journal; raise the limit (ulimit -n, or LimitNOFILE= for systemd) to serve more";
        }
    }

    /** The soft limit on open files from /proc/self/limits, or -1 if unknown or unlimited. */
    static long openFileLimit() {
        try {
            for (String line : Files.readAllLines(java.nio.file.Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max open files")) {
                    String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
                    return soft.equals("unlimited") ? -1 : Long.parseLong(soft);
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            // not Linux, or an unexpected format: no check
        }
        return -1;
    }

    @Override
    public void run() {
        // "info" as well as "INFO", and the names other tools use for the same levels
        logLevel = switch (logLevel.toUpperCase(java.util.Locale.ROOT)) {
            case "ERROR" -> "SEVERE";
            case "WARN" -> "WARNING";
            case "DEBUG" -> "FINE";
            case "TRACE" -> "FINEST";
            case String level -> level;
        };
        try {
            java.util.logging.Level.parse(logLevel);
        } catch (IllegalArgumentException e) {
            throw CliException.usage("--log-level: unknown level '" + logLevel
                    + "'; use SEVERE (or error), WARNING (or warn), INFO, FINE (or debug) or ALL");
        }
        Logging.configure(logLevel);
        if (dir == null) {
            throw CliException.usage("missing --dir DIR: the server bundle (DIR/server from 'chat generate'), on the"
                    + " command line or as dir = \"...\" in the [server] section of the config file ("
                    + ConfigDefaults.defaultLocation() + ")");
        }
        if (maxFrameBytes < 1024 || maxFrameBytes > ServerConfig.MAX_FRAME_BYTES) {
            throw CliException.usage("--max-frame-bytes: " + maxFrameBytes + " is out of range: 1024 to "
                    + ServerConfig.MAX_FRAME_BYTES + " bytes (2 MiB, the largest entry the journal stores)");
        }
        ServerConfig config = config(maxConnections);
        if (store != null && (data != null || repairJournal)) {
            throw CliException.usage((data != null ? "--data" : "--repair-journal")
                    + " is for the journal; with --store the history is in the database");
        }
        if (store == null && storePasswordFile != null) {
            throw CliException.usage("--store-password-file needs --store");
        }
        chat.server.Retention retention = retention();
        if (store != null && retention.expires()) {
            throw CliException.usage("--retain is for the journal; with --store the database keeps every message");
        }
        if (check && repairJournal) {
            throw CliException.usage("--check changes nothing: run --repair-journal without it");
        }
        if (check) {
            new ServerCheck(spec.commandLine().getOut()).run(config, store, store == null ? null : this::storePassword,
                    storesDir());
            return;
        }
        if (!Files.isDirectory(dir)) {
            throw CliException.failure("server bundle " + dir + " does not exist (create it with 'chat generate')");
        }
        KeyFileModes.warnIfOpen(dir.resolve(chat.protocol.identity.ServerKeyFile.FILE_NAME), spec.commandLine().getErr(),
                SERVER_KEY);
        config = config(fitToDescriptorLimit(maxConnections, spec.commandLine().getErr()));
        ChatServer server;
        try {
            if (repairJournal) {
                ChatServer.repairJournal(config.dataDir());
            }
            server = store == null ? ChatServer.start(config, retention)
                    : ChatServer.start(config, chat.server.Stores.open(store, storePassword(), storesDir()));
        } catch (ServerException e) {
            throw CliException.failure(e.getMessage());
        }
        Signals.onTermination(server::close);
        PrintWriter out = spec.commandLine().getOut();
        out.println("listening on " + server.address().getHostString() + ":" + server.address().getPort());
        out.flush();
        Throwable failure;
        try {
            failure = server.awaitStop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.close();
            return;
        }
        if (failure != null) {
            throw CliException.failure("stopped after a storage failure: " + failure.getMessage());
        }
    }

    /** The options as a server configuration, serving {@code connections} connections at most. */
    private ServerConfig config(int connections) {
        try {
            return new ServerConfig(dir, data != null ? data : dir.resolve("data"), HostPort.parse(listen, "--listen"),
                    ProtocolLimits.DEFAULT.withMaxFrameBytes(maxFrameBytes), connections, maxPerUser,
                    seconds(handshakeSeconds), seconds(idleSeconds), queueLength, maxChannelsPerUser, maxRate,
                    maxHandshakesPerAddress, new chat.server.Quotas(ByteSize.parse(maxStoragePerUser, "--max-storage-per-user"),
                            ByteSize.parse(maxStorage, "--max-storage"), ByteSize.parse(minFreeDisk, "--min-free-disk")));
        } catch (IllegalArgumentException e) {
            throw CliException.usage(e.getMessage());
        }
    }

    /** --retain or --retain-days, and --compact-every. */
    private chat.server.Retention retention() {
        try {
            if (retain != null && retainDays != null) {
                throw new IllegalArgumentException("--retain and --retain-days say the same thing: give one of them");
            }
            if (retainDays != null && retainDays < 1) {
                throw new IllegalArgumentException("--retain-days: " + retainDays + " is not a positive number of days");
            }
            java.time.Duration keep = retain != null ? chat.server.Retention.parseDuration(retain, "--retain")
                    : retainDays != null ? java.time.Duration.ofDays(retainDays) : null;
            return new chat.server.Retention(keep, chat.server.Retention.parseDuration(compactEvery, "--compact-every"));
        } catch (IllegalArgumentException e) {
            throw CliException.usage(e.getMessage());
        }
    }

    /** The database password: --store-password-file, else PGPASSWORD, else none. */
    private char[] storePassword() {
        if (storePasswordFile != null) {
            try {
                KeyFileModes.warnIfOpen(storePasswordFile, spec.commandLine().getErr(), "the database password");
                java.util.List<String> lines = Files.readAllLines(storePasswordFile);
                if (lines.isEmpty() || lines.getFirst().isEmpty()) {
                    throw CliException.usage("--store-password-file " + storePasswordFile + " is empty");
                }
                return lines.getFirst().toCharArray();
            } catch (java.io.IOException e) {
                throw CliException.failure("cannot read --store-password-file " + storePasswordFile + ": " + e.getMessage());
            }
        }
        String env = System.getenv("PGPASSWORD");
        return env == null || env.isEmpty() ? null : env.toCharArray();
    }

    /** The image's lib/stores/: one folder of module jars per kind of store. */
    private static Path storesDir() {
        String home = System.getProperty("chat.home");
        return home == null ? null : Path.of(home, "lib", "stores");
    }

    private static Duration seconds(double s) {
        if (!(s > 0) || s > 86_400 * 365) {
            throw new IllegalArgumentException("a time limit must be positive, got " + s);
        }
        return Duration.ofMillis(Math.round(s * 1000));
    }
}
