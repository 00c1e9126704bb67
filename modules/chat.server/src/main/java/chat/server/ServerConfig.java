package chat.server;

import chat.protocol.ProtocolLimits;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything the server needs to run, validated when built. Defaults are documented in
 * docs/user-guide.md ("Server limits").
 *
 * @param bundleDir          the server bundle (server.key, directory.json)
 * @param dataDir            where the journal lives (default: bundleDir/data)
 * @param listen             address to bind (default 127.0.0.1:8989)
 * @param limits             frame and JSON limits
 * @param maxConnections     open connections in total, authenticated or not
 * @param maxConnectionsPerUser authenticated connections of one user
 * @param handshakeTimeout   time from accept to a completed handshake
 * @param idleTimeout        time without any frame from an authenticated client
 * @param outboundQueue      frames waiting for one connection before it counts as too slow
 * @param maxChannelsPerUser channels one user may be a member of; creations and invitations
 *                           beyond it are refused, so no member can flood another's replay
 * @param entriesPerSecondPerUser entries (messages, invitations, member changes, rotations)
 *                           one user may send per second over all their connections, with a
 *                           burst of as many; a faster sender is slowed down (its requests wait),
 *                           never refused, and other users do not wait for it; 0 = no limit
 * @param maxHandshakesPerAddress connections from one IP address that may be in their
 *                           handshake at once; past it the oldest of that address gives way
 * @param quotas             storage quotas and the free-disk reserve
 */
public record ServerConfig(Path bundleDir, Path dataDir, InetSocketAddress listen, ProtocolLimits limits,
                           int maxConnections, int maxConnectionsPerUser, Duration handshakeTimeout,
                           Duration idleTimeout, int outboundQueue, int maxChannelsPerUser,
                           int entriesPerSecondPerUser, int maxHandshakesPerAddress, Quotas quotas) {

    public static final int DEFAULT_PORT = 8989;
    public static final int DEFAULT_MAX_CONNECTIONS = 16_384;
    public static final int DEFAULT_MAX_CONNECTIONS_PER_USER = 32;
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(300);
    public static final int DEFAULT_OUTBOUND_QUEUE = 8192;
    public static final int DEFAULT_MAX_CHANNELS_PER_USER = 1000;
    public static final int DEFAULT_ENTRIES_PER_SECOND_PER_USER = 200;
    public static final int DEFAULT_MAX_HANDSHAKES_PER_ADDRESS = 64;

    /** The configuration with the default per-user rate. */
    public ServerConfig(Path bundleDir, Path dataDir, InetSocketAddress listen, ProtocolLimits limits,
                        int maxConnections, int maxConnectionsPerUser, Duration handshakeTimeout,
                        Duration idleTimeout, int outboundQueue, int maxChannelsPerUser) {
        this(bundleDir, dataDir, listen, limits, maxConnections, maxConnectionsPerUser, handshakeTimeout, idleTimeout,
                outboundQueue, maxChannelsPerUser, DEFAULT_ENTRIES_PER_SECOND_PER_USER);
    }

    /** The configuration with the default handshake share per address and storage limits. */
    public ServerConfig(Path bundleDir, Path dataDir, InetSocketAddress listen, ProtocolLimits limits,
                        int maxConnections, int maxConnectionsPerUser, Duration handshakeTimeout,
                        Duration idleTimeout, int outboundQueue, int maxChannelsPerUser, int entriesPerSecondPerUser) {
        this(bundleDir, dataDir, listen, limits, maxConnections, maxConnectionsPerUser, handshakeTimeout, idleTimeout,
                outboundQueue, maxChannelsPerUser, entriesPerSecondPerUser, DEFAULT_MAX_HANDSHAKES_PER_ADDRESS,
                Quotas.DEFAULT);
    }
    /** Above this a user's sync and replayFinished would exceed the JSON limits (4096 members per object). */
    public static final int MAX_CHANNELS_PER_USER = 4000;
    /** The journal stores entries of up to 2 MiB; frames carrying entries must fit. */
    public static final int MAX_FRAME_BYTES = 2 * 1024 * 1024;

    public ServerConfig {
        Objects.requireNonNull(bundleDir, "bundleDir");
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(listen, "listen");
        Objects.requireNonNull(limits, "limits");
        positive(maxConnections, "max connections");
        positive(maxConnectionsPerUser, "max connections per user");
        positive(outboundQueue, "outbound queue length");
        positive(maxChannelsPerUser, "max channels per user");
        positive(maxHandshakesPerAddress, "max handshakes per address");
        Objects.requireNonNull(quotas, "quotas");
        if (maxChannelsPerUser > MAX_CHANNELS_PER_USER) {
            throw new IllegalArgumentException("max channels per user " + maxChannelsPerUser + " exceeds "
                    + MAX_CHANNELS_PER_USER + " (a sync names every channel in one object)");
        }
        if (limits.maxFrameBytes() > MAX_FRAME_BYTES) {
            throw new IllegalArgumentException("max frame bytes " + limits.maxFrameBytes()
                    + " exceeds what the journal stores per entry (" + MAX_FRAME_BYTES + ")");
        }
        if (handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
            throw new IllegalArgumentException("handshake timeout must be positive, got " + handshakeTimeout);
        }
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("idle timeout must be positive, got " + idleTimeout);
        }
        if (entriesPerSecondPerUser < 0) {
            throw new IllegalArgumentException("entries per second per user must be 0 (no limit) or more, got "
                    + entriesPerSecondPerUser);
        }
    }

    public ServerConfig withEntriesPerSecondPerUser(int rate) {
        return new ServerConfig(bundleDir, dataDir, listen, limits, maxConnections, maxConnectionsPerUser,
                handshakeTimeout, idleTimeout, outboundQueue, maxChannelsPerUser, rate, maxHandshakesPerAddress, quotas);
    }

    public static ServerConfig defaults(Path bundleDir) {
        return new ServerConfig(bundleDir, bundleDir.resolve("data"), new InetSocketAddress("127.0.0.1", DEFAULT_PORT),
                ProtocolLimits.DEFAULT, DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_CONNECTIONS_PER_USER,
                DEFAULT_HANDSHAKE_TIMEOUT, DEFAULT_IDLE_TIMEOUT, DEFAULT_OUTBOUND_QUEUE, DEFAULT_MAX_CHANNELS_PER_USER);
    }

    public ServerConfig withQuotas(Quotas q) {
        return new ServerConfig(bundleDir, dataDir, listen, limits, maxConnections, maxConnectionsPerUser,
                handshakeTimeout, idleTimeout, outboundQueue, maxChannelsPerUser, entriesPerSecondPerUser,
                maxHandshakesPerAddress, q);
    }

    public ServerConfig withMaxHandshakesPerAddress(int n) {
        return new ServerConfig(bundleDir, dataDir, listen, limits, maxConnections, maxConnectionsPerUser,
                handshakeTimeout, idleTimeout, outboundQueue, maxChannelsPerUser, entriesPerSecondPerUser, n, quotas);
    }

    public ServerConfig withListen(InetSocketAddress address) {
        return new ServerConfig(bundleDir, dataDir, address, limits, maxConnections, maxConnectionsPerUser,
                handshakeTimeout, idleTimeout, outboundQueue, maxChannelsPerUser, entriesPerSecondPerUser,
                maxHandshakesPerAddress, quotas);
    }

    public ServerConfig withDataDir(Path dir) {
        return new ServerConfig(bundleDir, dir, listen, limits, maxConnections, maxConnectionsPerUser,
                handshakeTimeout, idleTimeout, outboundQueue, maxChannelsPerUser, entriesPerSecondPerUser,
                maxHandshakesPerAddress, quotas);
    }

    private static void positive(int value, String what) {
        if (value <= 0) {
            throw new IllegalArgumentException(what + " must be positive, got " + value);
        }
    }
}
