package chat.server.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;

/**
 * The end of a connection the server decided to end. Closing a TCP socket while bytes from
 * the peer are still unread makes the kernel answer with a reset, and a reset discards what
 * we sent last and the peer has not read yet: typically the very error that says why the
 * connection ends, and the entries before it. So the server first shuts down its output
 * (the peer reads everything, then the end of the stream), then reads and discards until
 * the peer closes too, for a short while at most, and only then closes. This is the
 * "lingering close" of HTTP servers (RFC 9112, section 9.6).
 */
final class Lingering {

    static final int MILLIS = 2000;

    private Lingering() {
    }

    /** Ends our direction: everything written so far reaches the peer, then the end of the stream. */
    static void endOutput(Socket socket) {
        try {
            if (!socket.isClosed() && !socket.isOutputShutdown()) {
                socket.shutdownOutput();
            }
        } catch (IOException ignored) {
            // the peer is gone: nothing left to protect
        }
    }

    /** Ends our output, waits (bounded) for the peer to close, then closes. */
    static void close(Socket socket) {
        endOutput(socket);
        try {
            if (!socket.isClosed() && !socket.isInputShutdown()) {
                long deadline = System.nanoTime() + MILLIS * 1_000_000L;
                InputStream in = socket.getInputStream();
                byte[] sink = new byte[8192];
                long left;
                while ((left = (deadline - System.nanoTime()) / 1_000_000) > 0) {
                    socket.setSoTimeout((int) left);
                    if (in.read(sink) < 0) {
                        break;
                    }
                }
            }
        } catch (IOException ignored) {
            // timed out or reset: close anyway
        }
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }
}
