package chat.client;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * How the client connects.
 *
 * @param servers         the addresses of the deployment's servers (default 127.0.0.1:8989): all
 *                        relays of one deployment (same server key, same history), tried in
 *                        order from the one that last worked; at most {@link #MAX_SERVERS}, no
 *                        address twice
 * @param connectTimeout  time to open the TCP connection
 * @param loginTimeout    the longest silence of the server during the handshake and the first
 *                        replay (default 20 s), after which the next address is tried
 * @param pingInterval    how often the connection is checked (default 10 s): a ping each time, and
 *                        a server silent for two intervals is left (the server drops a client
 *                        idle for 300 s)
 * @param maxRetryDelay   longest pause between reconnection attempts (with jitter)
 * @param rotateAfterMessages  the client rotates a channel's key before sending into an epoch
 *                             that has carried this many messages (default 1000)
 * @param rotateAfter     ... or that began this long ago (default 7 days), so that a stolen key
 *                        reads a bounded window
 * @param rotateGrace     after a member leaves, how long a member who is not the designated
 *                        rotator waits for the rotation before rotating itself (default 15 s)
 */
public record ClientOptions(List<InetSocketAddress> servers, Duration connectTimeout, Duration loginTimeout,
                            Duration pingInterval, Duration maxRetryDelay, long rotateAfterMessages,
                            Duration rotateAfter, Duration rotateGrace) {

    public static final long DEFAULT_ROTATE_AFTER_MESSAGES = 1000;
    public static final Duration DEFAULT_ROTATE_AFTER = Duration.ofDays(7);
    public static final Duration DEFAULT_ROTATE_GRACE = Duration.ofSeconds(15);

    /** The most server addresses one client takes: enough for any deployment, few enough to try in turn. */
    public static final int MAX_SERVERS = 16;

    public ClientOptions(InetSocketAddress server, Duration connectTimeout, Duration loginTimeout,
                         Duration pingInterval, Duration maxRetryDelay) {
        this(List.of(server), connectTimeout, loginTimeout, pingInterval, maxRetryDelay);
    }

    public ClientOptions(List<InetSocketAddress> servers, Duration connectTimeout, Duration loginTimeout,
                         Duration pingInterval, Duration maxRetryDelay) {
        this(servers, connectTimeout, loginTimeout, pingInterval, maxRetryDelay, DEFAULT_ROTATE_AFTER_MESSAGES,
                DEFAULT_ROTATE_AFTER, DEFAULT_ROTATE_GRACE);
    }

    /** These options with other automatic-rotation limits. */
    public ClientOptions withRotation(long afterMessages, Duration after) {
        return new ClientOptions(servers, connectTimeout, loginTimeout, pingInterval, maxRetryDelay, afterMessages,
                after, rotateGrace);
    }

    public static final int DEFAULT_PORT = 8989;

    public ClientOptions {
        servers = List.copyOf(servers);
        if (servers.isEmpty()) {
            throw new IllegalArgumentException("at least one server address is needed");
        }
        if (servers.size() > MAX_SERVERS) {
            throw new IllegalArgumentException(servers.size() + " server addresses exceed the limit of " + MAX_SERVERS);
        }
        Set<String> seen = new HashSet<>();
        for (InetSocketAddress a : servers) {
            if (!seen.add(text(a).toLowerCase(java.util.Locale.ROOT))) {
                throw new IllegalArgumentException("the server address " + text(a) + " is listed twice");
            }
        }
        if (connectTimeout.isNegative() || connectTimeout.isZero() || loginTimeout.isNegative() || loginTimeout.isZero()
                || pingInterval.isNegative() || pingInterval.isZero() || maxRetryDelay.isNegative() || maxRetryDelay.isZero()) {
            throw new IllegalArgumentException("client time limits must be positive");
        }
        if (rotateAfterMessages < 1 || rotateAfter.isNegative() || rotateAfter.isZero() || rotateGrace.isNegative()) {
            throw new IllegalArgumentException("rotation limits must be positive");
        }
    }

    /**
     * How long a member's message may name a directory version newer than ours before we
     * conclude the server withholds it (it pushes new versions within a second or so).
     */
    public Duration directoryClaimTimeout() {
        return Duration.ofSeconds(10);
    }

    /** The largest frame the client accepts from the server (the protocol's default limit). */
    public int maxFrameBytes() {
        return chat.protocol.ProtocolLimits.DEFAULT_MAX_FRAME_BYTES * 2;
    }

    /** The first server address: the only one unless several were given. */
    public InetSocketAddress server() {
        return servers.get(0);
    }

    /** HOST:PORT as the user wrote it (IPv6 in brackets), for messages and events. */
    public static String text(InetSocketAddress address) {
        String host = address.getHostString();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    public static ClientOptions defaults(InetSocketAddress server) {
        return defaults(List.of(server));
    }

    public static ClientOptions defaults(List<InetSocketAddress> servers) {
        return new ClientOptions(servers, Duration.ofSeconds(5), Duration.ofSeconds(20), Duration.ofSeconds(10),
                Duration.ofSeconds(30));
    }
}
