package chat.server.internal;

import chat.protocol.ErrorCode;
import chat.protocol.ErrorMessage;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.ServerSocket;
import java.net.Socket;

/** Accepts connections and gives each its virtual thread, up to the connection limit. */
public final class Acceptor implements Runnable {

    private static final System.Logger LOG = System.getLogger("chat.server");

    private final ServerSocket server;
    private final ServerContext context;

    public Acceptor(ServerSocket server, ServerContext context) {
        this.server = server;
        this.context = context;
    }

    @Override
    public void run() {
        while (!server.isClosed()) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                if (!server.isClosed()) {
                    // e.g. out of file descriptors: pause instead of spinning on the error
                    LOG.log(Level.WARNING, "accept failed: {0}", e.toString());
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException interrupted) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
                continue;
            }
            // Handshakes get at most an eighth of the connections (at least 64), and make room
            // for a new one by cutting the oldest: idle sockets cannot keep logins out.
            // One address gets at most its own share (--max-handshakes-per-address), making room
            // among its own connections only.
            int handshakeLimit = Math.max(64, context.config().maxConnections() / 8);
            int cut = context.makeRoomForHandshakeFrom(socket.getInetAddress(),
                    context.config().maxHandshakesPerAddress());
            cut += context.makeRoomForHandshake(handshakeLimit);
            boolean full = context.connectionCount() - cut >= context.config().maxConnections();
            if (full && context.handshakesInProgress() > 0) {
                // At the limit: the oldest unfinished handshake goes (its socket is closed at
                // once, so no descriptor is held), and the new connection takes its place.
                cut += context.makeRoomForHandshake(context.handshakesInProgress());
                full = false;
            }
            if (cut > 0) {
                LOG.log(Level.DEBUG, "cut {0} unfinished handshake(s) to make room", cut);
            }
            if (full) {
                LOG.log(Level.WARNING, "{0}: refused: {1} connections open, the limit",
                        socket.getRemoteSocketAddress(), context.connectionCount());
                Thread.ofVirtual().start(() -> {
                    Handshake.sendPlain(socket, context.hub().codec, ErrorMessage.of(ErrorCode.TOO_MANY_CONNECTIONS,
                            "the server has reached its limit of " + context.config().maxConnections() + " connections"));
                    Lingering.close(socket);
                });
                continue;
            }
            Connection connection = new Connection(socket, context);
            context.opened(connection);
            LOG.log(Level.DEBUG, "{0}: connected", socket.getRemoteSocketAddress());
            Thread.ofVirtual().name("chat-conn").start(connection);
        }
    }
}
