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
 */
public record ClientOptions(InetSocketAddress server, Duration connectTimeout, Duration loginTimeout,
                            Duration pingInterval, Duration maxRetryDelay) {

    public static final int DEFAULT_PORT = 8989;

    public ClientOptions {
        Objects.requireNonNull(server, "server");
        if (connectTimeout.isNegative() || connectTimeout.isZero() || loginTimeout.isNegative() || loginTimeout.isZero()
                || pingInterval.isNegative() || pingInterval.isZero() || maxRetryDelay.isNegative() || maxRetryDelay.isZero()) {
            throw new IllegalArgumentException("client time limits must be positive");
        }
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
