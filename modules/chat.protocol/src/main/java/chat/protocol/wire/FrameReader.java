package chat.protocol.wire;

import chat.protocol.ErrorCode;
import chat.protocol.ProtocolException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads length-prefixed frames: a 4-byte big-endian length, then that many payload bytes.
 * The length is checked against the limit before a single payload byte is read or any
 * buffer allocated, so a peer claiming 4 GiB costs us four bytes.
 */
public final class FrameReader {

    private final InputStream in;
    private final int maxFrameBytes;
    private final byte[] header = new byte[4];

    public FrameReader(InputStream in, int maxFrameBytes) {
        this.in = in;
        this.maxFrameBytes = maxFrameBytes;
    }

    /**
     * The next frame's payload, or null when the peer closed the stream cleanly between
     * frames. A stream that ends inside a frame is a truncated frame.
     */
    public byte[] read() throws IOException, ProtocolException {
        int n = in.readNBytes(header, 0, 4);
        if (n == 0) {
            return null;
        }
        if (n < 4) {
            throw new ProtocolException(ErrorCode.BAD_FRAME, "truncated frame: stream ended inside the length header");
        }
        int length = ((header[0] & 0xff) << 24) | ((header[1] & 0xff) << 16) | ((header[2] & 0xff) << 8) | (header[3] & 0xff);
        if (length <= 0) {
            throw new ProtocolException(ErrorCode.BAD_FRAME, "frame length " + Integer.toUnsignedLong(length)
                    + (length == 0 ? " is empty" : " exceeds the limit of " + maxFrameBytes + " bytes"));
        }
        if (length > maxFrameBytes) {
            throw new ProtocolException(ErrorCode.BAD_FRAME, "frame of " + length
                    + " bytes exceeds the limit of " + maxFrameBytes);
        }
        byte[] payload = new byte[length];
        int read = in.readNBytes(payload, 0, length);
        if (read < length) {
            throw new ProtocolException(ErrorCode.BAD_FRAME, "truncated frame: " + read + " of " + length + " bytes arrived");
        }
        return payload;
    }

}
