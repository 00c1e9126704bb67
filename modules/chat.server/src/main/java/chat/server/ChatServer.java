package chat.server;

import chat.protocol.identity.IdentityFileException;
import chat.protocol.identity.ServerBundle;
import chat.server.internal.Acceptor;
import chat.server.internal.Connection;
import chat.server.internal.DirectoryWatcher;
import chat.server.internal.ServerContext;
import chat.server.internal.ServerState;
import chat.storage.EntryStore;
import chat.storage.StorageException;
import chat.storage.StoreOptions;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A running chat server. {@link #start} loads the bundle, opens (and recovers) the
 * journal, binds and accepts; {@link #close} shuts down gracefully: stop accepting, let
 * requests in progress finish, make everything accepted durable and delivered, tell the
 * clients, close.
 */
public final class ChatServer implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger("chat.server");

    private final ServerContext context;
    private final chat.storage.HistoryStore store;
    private final ServerSocket socket;
    private final Thread acceptor;
    private final Thread watcher;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile Throwable failure;
    private boolean closed;

    private ChatServer(ServerContext context, chat.storage.HistoryStore store, ServerSocket socket, java.nio.file.Path directoryFile) {
        this.context = context;
        this.store = store;
        this.socket = socket;
        this.acceptor = Thread.ofPlatform().name("chat-acceptor").daemon(false)
                .unstarted(new Acceptor(socket, context));
        // New directory versions are picked up while the server runs (chat user add, revoke).
        this.watcher = Thread.ofPlatform().name("chat-directory").daemon(true)
                .unstarted(new DirectoryWatcher(directoryFile, context));
    }

    /**
     * {@code chat server --repair-journal}: a journal damaged in the middle keeps the server
     * from starting; this moves everything from the damage on aside (never deletes it) and
     * cuts the journal there, so the server starts with what precedes it.
     */
    public static void repairJournal(java.nio.file.Path dataDir) throws ServerException {
        try {
            EntryStore.repair(StoreOptions.defaults(dataDir));
        } catch (StorageException e) {
            throw new ServerException(e.getMessage(), e);
        }
    }

    public static ChatServer start(ServerConfig config) throws ServerException {
        return start(config, Retention.FOREVER);
    }

    /**
     * Starts the server on the journal with a retention period: messages older than it are
     * compacted away in the background (at start, then every {@link Retention#compactEvery});
     * replays show them as {@code expired} placeholders, and their bytes no longer count
     * against quotas.
     */
    public static ChatServer start(ServerConfig config, Retention retention) throws ServerException {
        ServerBundle bundle = loadBundle(config); // before the data folder is made or locked
        EntryStore store;
        try {
            store = EntryStore.open(StoreOptions.defaults(config.dataDir()));
        } catch (StorageException e) {
            throw new ServerException(e.getMessage(), e);
        }
        return start(config, bundle, store, retention);
    }

    /**
     * Starts on {@code store} (see {@link Stores}), which the server closes when it stops
     * (or here, if it cannot start).
     */
    public static ChatServer start(ServerConfig config, chat.storage.HistoryStore store) throws ServerException {
        ServerBundle bundle;
        try {
            bundle = loadBundle(config);
        } catch (ServerException e) {
            store.close();
            throw e;
        }
        return start(config, bundle, store, Retention.FOREVER);
    }

    private static ServerBundle loadBundle(ServerConfig config) throws ServerException {
        try {
            return ServerBundle.load(config.bundleDir());
        } catch (IdentityFileException e) {
            throw new ServerException("cannot load the server bundle: " + e.getMessage(), e);
        }
    }

    private static ChatServer start(ServerConfig config, ServerBundle bundle, chat.storage.HistoryStore store,
                                    Retention retention) throws ServerException {
        if (retention.expires() && !(store instanceof EntryStore)) {
            store.close();
            throw new ServerException("--retain is for the journal; with --store the database keeps every message");
        }
        ServerSocket socket = null;
        try {
            ChatServer[] self = new ChatServer[1];
            ServerContext context = ServerState.create(config, bundle, store, cause -> self[0].fail(cause));
            socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(config.listen(), 4096);
            ChatServer server = new ChatServer(context, store, socket, bundle.directoryFile());
            if (retention.expires() && store instanceof EntryStore journal) {
                journal.startRetention(retention.keep(), retention.compactEvery(), context.hub()::reclaimed);
                LOG.log(Level.INFO, "messages older than {0} expire (compacted every {1})", retention.keep(),
                        retention.compactEvery());
            }
            self[0] = server;
            server.acceptor.start();
            server.watcher.start();
            LOG.log(Level.INFO, "listening on {0}:{1,number,#} with {2} users (directory version {3,number,#}), data in {4}",
                    server.address().getHostString(), server.address().getPort(), bundle.directory().users().size(),
                    bundle.log().number(), store.describe());
            return server;
        } catch (IOException | RuntimeException e) {
            store.close();
            if (socket != null) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // closing after a failed bind
                }
            }
            throw cannotListen(config, e);
        }
    }

    private static ServerException cannotListen(ServerConfig config, Exception e) {
        String why = e instanceof BindException
                ? "address in use or not available (is another server running there? choose another with"
                        + " --listen HOST:PORT, or --listen HOST:0 for any free port)"
                : e.getMessage();
        return new ServerException("cannot listen on " + config.listen().getHostString() + ":"
                + config.listen().getPort() + ": " + why, e);
    }

    // ---- chat server --check: what start would run into, found without starting ----

    /** Loads the bundle as {@link #start} does; returns what it holds, e.g. "3 users, directory version 2". */
    public static String checkBundle(ServerConfig config) throws ServerException {
        ServerBundle bundle = loadBundle(config);
        int users = bundle.directory().users().size();
        return users + (users == 1 ? " user" : " users") + ", directory version " + bundle.log().number();
    }

    /** Checks the journal folder as {@link #start} would use it, changing nothing; returns what is there. */
    public static String checkJournal(ServerConfig config) throws ServerException {
        try {
            return EntryStore.check(config.dataDir());
        } catch (StorageException e) {
            throw new ServerException(e.getMessage(), e);
        }
    }

    /** Binds the listen address as {@link #start} does, and lets it go at once. */
    public static void checkListen(ServerConfig config) throws ServerException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(config.listen(), 1);
        } catch (IOException e) {
            throw cannotListen(config, e);
        }
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    public int connectionCount() {
        return context.connectionCount();
    }

    /** Blocks until the server has stopped; returns the failure that stopped it, or null after a clean close. */
    public Throwable awaitStop() throws InterruptedException {
        stopped.await();
        return failure;
    }

    private void fail(Throwable cause) {
        if (failure == null) {
            failure = cause;
            LOG.log(Level.ERROR, "storage failed, stopping: " + cause.getMessage(), cause);
            Thread.ofPlatform().name("chat-fail-stop").start(this::close);
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        LOG.log(Level.INFO, "shutting down: {0} connections", context.connectionCount());
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        watcher.interrupt();
        context.stopAdmitting();
        store.close();
        for (Connection c : context.connections()) {
            c.shutdown();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        for (Connection c : context.connections()) {
            try {
                long left = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
                c.awaitClosed(left, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        try {
            watcher.join(2000);
            acceptor.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.log(Level.INFO, "stopped");
        stopped.countDown();
    }

}
