package chat.protocol.wire;

import chat.crypto.AesGcm;
import chat.crypto.CryptoException;
import chat.crypto.MalformedInputException;
import chat.protocol.ErrorCode;
import chat.protocol.ProtocolException;

/** Decrypts the frames of one direction, in order; any failure ends the connection. */
public final class FrameOpener {

    private final AesGcm cipher;
    private final FrameCounter counter = new FrameCounter();

    FrameOpener(byte[] key) {
        try {
            this.cipher = AesGcm.of(key);
        } catch (MalformedInputException e) {
            throw new IllegalArgumentException(e);
        }
    }

    public byte[] open(byte[] frame) throws ProtocolException {
        long expected = counter.value();
        try {
            return cipher.open(counter.nextNonce(), null, frame);
        } catch (CryptoException e) {
            throw new ProtocolException(ErrorCode.BAD_FRAME, "frame " + expected
                    + " failed authentication (replayed, reordered, reflected, dropped or altered)");
        }
    }
}
