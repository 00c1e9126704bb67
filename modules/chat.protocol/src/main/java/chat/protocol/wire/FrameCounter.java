package chat.protocol.wire;

/**
 * The implicit per-direction frame counter used as the AES-GCM nonce: 4 zero bytes, then
 * the counter as 8 bytes big-endian. Sender and receiver count independently, so a frame
 * that is replayed, dropped, reordered or cut short fails the tag check of the next frame.
 */
final class FrameCounter {

    private long next;

    byte[] nextNonce() {
        if (next == -1L) {
            throw new IllegalStateException("frame counter exhausted");
        }
        long n = next++;
        byte[] nonce = new byte[12];
        for (int i = 0; i < 8; i++) {
            nonce[11 - i] = (byte) (n >>> (8 * i));
        }
        return nonce;
    }

    long value() {
        return next;
    }
}
