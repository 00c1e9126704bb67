package chat.client;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * How the client connects.
 *
 * @param server          the server's address (default 127.0.0.1:8989)
 * @param connectTimeout  time to open the TCP connection
 * @param loginTimeout    time for the handshake and the first replay
 * @param pingInterval    how often an idle connection is checked (the server drops one idle for 300 s)
 * @param maxRetryDelay   longest pause between reconnection attempts (with jitter)
 * @param rotateAfterMessages  the client rotates a channel's key before sending into an epoch
 *                             that has carried this many messages (default 1000)
 * @param rotateAfter     ... or that began this long ago (default 7 days), so that a stolen key
 *                        reads a bounded window
 * @param rotateGrace     after a member leaves, how long a member who is not the designated
 *                        rotator waits for the rotation before rotating itself (default 15 s)
 */
public record ClientOptions(InetSocketAddress server, Duration connectTimeout, Duration loginTimeout,
                            Duration pingInterval, Duration maxRetryDelay, long rotateAfterMessages,
                            Duration rotateAfter, Duration rotateGrace) {

    public static final long DEFAULT_ROTATE_AFTER_MESSAGES = 1000;
    public static final Duration DEFAULT_ROTATE_AFTER = Duration.ofDays(7);
    public static final Duration DEFAULT_ROTATE_GRACE = Duration.ofSeconds(15);

    public ClientOptions(InetSocketAddress server, Duration connectTimeout, Duration loginTimeout,
                         Duration pingInterval, Duration maxRetryDelay) {
        this(server, connectTimeout, loginTimeout, pingInterval, maxRetryDelay, DEFAULT_ROTATE_AFTER_MESSAGES,
                DEFAULT_ROTATE_AFTER, DEFAULT_ROTATE_GRACE);
    }

    /** These options with other automatic-rotation limits. */
    public ClientOptions withRotation(long afterMessages, Duration after) {
        return new ClientOptions(server, connectTimeout, loginTimeout, pingInterval, maxRetryDelay, afterMessages,
                after, rotateGrace);
    }

    public static final int DEFAULT_PORT = 8989;

    public ClientOptions {
        Objects.requireNonNull(server, "server");
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

    public static ClientOptions defaults(InetSocketAddress server) {
        return new ClientOptions(server, Duration.ofSeconds(5), Duration.ofSeconds(60), Duration.ofSeconds(30),
                Duration.ofSeconds(30));
    }
}
