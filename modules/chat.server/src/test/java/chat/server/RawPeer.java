package chat.server;

import chat.protocol.ErrorMessage;
import chat.protocol.Message;
import chat.protocol.MessageCodec;
import chat.protocol.ProtocolException;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;

/**
 * A socket that speaks bytes, not the protocol: for peers that send garbage, stall or
 * never finish the handshake. {@link #readToEnd} collects the frames the server sends in
 * clear until it closes the connection, and fails if it does not within the timeout.
 */
final class RawPeer implements AutoCloseable {

    final Socket socket;

    RawPeer(InetSocketAddress address) throws IOException {
        socket = new Socket();
        socket.connect(address, 5000);
    }

    void write(byte[] bytes) throws IOException {
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
    }

    static byte[] frame(byte[] payload) {
        byte[] out = new byte[4 + payload.length];
        int n = payload.length;
        out[0] = (byte) (n >>> 24);
        out[1] = (byte) (n >>> 16);
        out[2] = (byte) (n >>> 8);
        out[3] = (byte) n;
        System.arraycopy(payload, 0, out, 4, n);
        return out;
    }

    /** What the server sent until it closed: frames decoded as clear messages (or null if not JSON). */
    record Ending(List<Message> messages, boolean reset) {

        ErrorMessage error() {
            return messages.stream().filter(ErrorMessage.class::isInstance).map(ErrorMessage.class::cast)
                    .findFirst().orElse(null);
        }
    }

    /**
     * Reads until the server closes the connection (end of stream or a reset); throws
     * AssertionError if it is still open after {@code timeoutMillis}.
     */
    Ending readToEnd(int timeoutMillis) throws IOException {
        try {
            return readUntilClosed(timeoutMillis);
        } finally {
            socket.close(); // as a client does once the server has ended the stream
        }
    }

    private Ending readUntilClosed(int timeoutMillis) throws IOException {
        socket.setSoTimeout(timeoutMillis);
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        DataInputStream in = new DataInputStream(socket.getInputStream());
        List<Message> messages = new ArrayList<>();
        MessageCodec codec = new MessageCodec();
        try {
            while (true) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the server kept the connection open for " + timeoutMillis + " ms");
                }
                int n;
                try {
                    n = in.readInt();
                } catch (EOFException e) {
                    return new Ending(messages, false);
                }
                byte[] payload = new byte[n];
                in.readFully(payload);
                try {
                    messages.add(codec.decode(payload));
                } catch (ProtocolException e) {
                    messages.add(null);
                }
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server kept the connection open for " + timeoutMillis + " ms", e);
        } catch (EOFException e) {
            return new Ending(messages, false);
        } catch (IOException e) {
            // A reset: the server closed while our bytes were still unread, which is fine here.
            return new Ending(messages, true);
        }
    }

    InputStream in() throws IOException {
        return socket.getInputStream();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
