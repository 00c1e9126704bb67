package chat.client.internal;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The order in which the client tries its servers, all relays of one deployment (same
 * server key, same history, so any of them resumes from the client's cursors). A round
 * starts with the address that last worked; an address that fails moves the start to the
 * next one, so a dead server is not tried first again and again. A round tries each
 * address once; only when a whole round has failed does the caller back off.
 */
final class ServerRotation {

    private final List<InetSocketAddress> servers;
    private int first; // guarded by this: where the next round starts

    ServerRotation(List<InetSocketAddress> servers) {
        if (servers.isEmpty()) {
            throw new IllegalArgumentException("no server address");
        }
        this.servers = List.copyOf(servers);
    }

    /** Every address once, from the one that last worked (or the one after the last failure). */
    synchronized List<InetSocketAddress> round() {
        List<InetSocketAddress> order = new ArrayList<>(servers.size());
        for (int i = 0; i < servers.size(); i++) {
            order.add(servers.get((first + i) % servers.size()));
        }
        return order;
    }

    /** A login through {@code address} succeeded: the next round starts there. */
    synchronized void worked(InetSocketAddress address) {
        int i = servers.indexOf(address);
        if (i >= 0) {
            first = i;
        }
    }

    /** {@code address} could not be reached or refused us: if a round would start there, it starts at the next. */
    synchronized void failed(InetSocketAddress address) {
        if (servers.get(first).equals(address)) {
            first = (first + 1) % servers.size();
        }
    }
}
