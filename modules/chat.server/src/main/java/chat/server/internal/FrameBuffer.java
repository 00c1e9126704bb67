package chat.server.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * Frames gathered for one write system call. Starts small, so ten thousand idle
 * connections cost little, grows for bursts and shrinks back after a big one.
 */
final class FrameBuffer {

    private static final int INITIAL = 2048;
    static final int FLUSH_AT = 64 * 1024;

    private byte[] buf = new byte[INITIAL];
    private int size;

    void frame(byte[] payload) {
        ensure(4 + payload.length);
        int n = payload.length;
        buf[size++] = (byte) (n >>> 24);
        buf[size++] = (byte) (n >>> 16);
        buf[size++] = (byte) (n >>> 8);
        buf[size++] = (byte) n;
        System.arraycopy(payload, 0, buf, size, n);
        size += n;
    }

    int size() {
        return size;
    }

    void writeTo(OutputStream out) throws IOException {
        if (size > 0) {
            out.write(buf, 0, size);
            out.flush();
            size = 0;
            if (buf.length > 4 * FLUSH_AT) {
                buf = new byte[INITIAL];
            }
        }
    }

    private void ensure(int extra) {
        if (size + extra > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + extra));
        }
    }
}
