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
    /** Connections still in their handshake, oldest first: the first to go when room is needed for a new one. */
    private final java.util.LinkedHashSet<Connection> pending = new java.util.LinkedHashSet<>();
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
        synchronized (pending) {
            pending.add(c);
        }
    }

    /**
     * At most {@code limit} connections from {@code address} may be in their handshake at
     * once: past it, the oldest of that address is cut, so a flood from one address gives
     * way to itself and never to the logins of others. Returns how many were cut.
     */
    int makeRoomForHandshakeFrom(java.net.InetAddress address, int limit) {
        java.util.List<Connection> cut = new java.util.ArrayList<>();
        synchronized (pending) {
            int count = 0;
            for (Connection c : pending) {
                if (c.address.equals(address)) {
                    count++;
                }
            }
            var it = pending.iterator();
            while (count >= limit && it.hasNext()) {
                Connection c = it.next();
                if (c.address.equals(address)) {
                    it.remove();
                    cut.add(c);
                    count--;
                }
            }
        }
        cut.forEach(Connection::abort);
        return cut.size();
    }

    /** The connection logged in (or ended): it no longer counts as a handshake in progress. */
    void authenticated(Connection c) {
        synchronized (pending) {
            pending.remove(c);
        }
    }

    void closed(Connection c) {
        connections.remove(c);
        authenticated(c);
    }

    /**
     * At most {@code limit} connections may be in their handshake at once: past it, the
     * oldest is cut (a flood of idle sockets then only ever holds the newest few, and a real
     * login, whose handshake takes milliseconds, gets through). Returns how many were cut.
     */
    int makeRoomForHandshake(int limit) {
        int cut = 0;
        while (true) {
            Connection oldest;
            synchronized (pending) {
                if (pending.size() < limit) {
                    return cut;
                }
                oldest = pending.iterator().next();
                pending.remove(oldest);
            }
            oldest.abort();
            cut++;
        }
    }

    int handshakesInProgress() {
        synchronized (pending) {
            return pending.size();
        }
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
