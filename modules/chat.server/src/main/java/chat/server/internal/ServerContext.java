package chat.server.internal;

import chat.protocol.identity.IdentityKeys;
import chat.server.ServerConfig;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * What every connection shares: the configuration, the hub, the server's keys, the set
 * of open connections, and the gate that shutdown closes. Requests that change state run
 * inside {@link #admit}, so once shutdown has closed the gate no request is half-done.
 */
public final class ServerContext {

    private final ServerConfig config;
    private final Hub hub;
    private final IdentityKeys serverKeys;
    private final Dispatcher dispatcher;
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final ReentrantReadWriteLock gate = new ReentrantReadWriteLock();
    private boolean accepting = true;

    public ServerContext(ServerConfig config, Hub hub, IdentityKeys serverKeys) {
        this.config = config;
        this.hub = hub;
        this.serverKeys = serverKeys;
        this.dispatcher = new Dispatcher();
    }

    public ServerConfig config() {
        return config;
    }

    public Hub hub() {
        return hub;
    }

    IdentityKeys serverKeys() {
        return serverKeys;
    }

    Dispatcher dispatcher() {
        return dispatcher;
    }

    public void opened(Connection c) {
        connections.add(c);
    }

    void closed(Connection c) {
        connections.remove(c);
    }

    public Set<Connection> connections() {
        return connections;
    }

    public int connectionCount() {
        return connections.size();
    }

    interface Work {
        void run() throws chat.protocol.ProtocolException;
    }

    /** Runs {@code work} unless shutdown has begun; returns false if it did not run. */
    boolean admit(Work work) throws chat.protocol.ProtocolException {
        gate.readLock().lock();
        try {
            if (!accepting) {
                return false;
            }
            work.run();
            return true;
        } finally {
            gate.readLock().unlock();
        }
    }

    /** Closes the gate: waits for requests in progress, then refuses new ones. */
    public void stopAdmitting() {
        gate.writeLock().lock();
        try {
            accepting = false;
        } finally {
            gate.writeLock().unlock();
        }
    }
}
