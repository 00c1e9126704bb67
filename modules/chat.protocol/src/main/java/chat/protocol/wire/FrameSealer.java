package chat.protocol.wire;

import chat.crypto.AesGcm;
import chat.crypto.MalformedInputException;

/** Encrypts the frames of one direction; one per connection, used by one thread at a time. */
public final class FrameSealer {

    private final AesGcm cipher;
    private final FrameCounter counter = new FrameCounter();

    FrameSealer(byte[] key) {
        try {
            this.cipher = AesGcm.of(key);
        } catch (MalformedInputException e) {
            throw new IllegalArgumentException(e);
        }
    }

    public byte[] seal(byte[] plaintext) {
        try {
            return cipher.seal(counter.nextNonce(), null, plaintext);
        } catch (MalformedInputException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Frames sealed so far. */
    public long count() {
        return counter.value();
    }
}
