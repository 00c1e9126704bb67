package chat.protocol;

import chat.protocol.json.JsonLimits;

/**
 * Limits on what a peer may send, checked before the data is used: the frame size (checked
 * on the 4-byte length before one payload byte is read or allocated) and the JSON limits
 * for the payload.
 *
 * @param maxFrameBytes largest frame payload, in bytes (default 1 MiB)
 * @param json          limits on the JSON inside a frame
 */
public record ProtocolLimits(int maxFrameBytes, JsonLimits json) {

    public static final int DEFAULT_MAX_FRAME_BYTES = 1 << 20;
    public static final ProtocolLimits DEFAULT = new ProtocolLimits(DEFAULT_MAX_FRAME_BYTES, JsonLimits.DEFAULT);

    public ProtocolLimits {
        if (maxFrameBytes < 1024 || maxFrameBytes > (64 << 20)) {
            throw new IllegalArgumentException("maxFrameBytes " + maxFrameBytes + " out of range 1024.." + (64 << 20));
        }
    }

    public ProtocolLimits withMaxFrameBytes(int bytes) {
        return new ProtocolLimits(bytes, json);
    }
}
