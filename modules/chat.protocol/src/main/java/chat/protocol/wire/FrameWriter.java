package chat.protocol.wire;

import java.io.IOException;
import java.io.OutputStream;

/** Writes length-prefixed frames into a (buffered) stream; {@link #flush()} sends them. */
public final class FrameWriter {

    private final OutputStream out;
    private final byte[] header = new byte[4];

    public FrameWriter(OutputStream out) {
        this.out = out;
    }

    public void write(byte[] payload) throws IOException {
        int n = payload.length;
        header[0] = (byte) (n >>> 24);
        header[1] = (byte) (n >>> 16);
        header[2] = (byte) (n >>> 8);
        header[3] = (byte) n;
        out.write(header);
        out.write(payload);
    }

    public void flush() throws IOException {
        out.flush();
    }
}
