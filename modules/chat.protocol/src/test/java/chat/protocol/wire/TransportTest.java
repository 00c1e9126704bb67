package chat.protocol.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import chat.crypto.AesGcm;
import chat.crypto.CryptoRandom;
import chat.protocol.ErrorCode;
import chat.protocol.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/**
 * The encrypted transport: {@link SessionKeys}, {@link FrameSealer}, {@link FrameOpener}.
 * Frames are AES-256-GCM with an implicit per-direction counter as nonce and separate keys
 * per direction, so every deviation from "each frame exactly once, in order, in its own
 * direction, unaltered" fails authentication with BAD_FRAME.
 */
class TransportTest {

    final SessionKeys keys = new SessionKeys(CryptoRandom.bytes(32), CryptoRandom.bytes(32));

    static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static void assertBadFrame(ThrowingCallable call) {
        assertThatThrownBy(call)
                .isInstanceOf(ProtocolException.class)
                .hasMessageContaining("failed authentication")
                .satisfies(e -> assertThat(((ProtocolException) e).code()).isEqualTo(ErrorCode.BAD_FRAME));
    }

    @Test
    void framesInOrderDecryptInBothDirections() throws Exception {
        FrameSealer c2s = keys.clientSealer();
        FrameOpener atServer = keys.serverOpener();
        FrameSealer s2c = keys.serverSealer();
        FrameOpener atClient = keys.clientOpener();
        for (int i = 0; i < 200; i++) {
            assertThat(atServer.open(c2s.seal(text("up " + i)))).isEqualTo(text("up " + i));
            if (i % 3 == 0) {
                assertThat(atClient.open(s2c.seal(text("down " + i)))).isEqualTo(text("down " + i));
            }
        }
        assertThat(c2s.count()).isEqualTo(200);
        assertThat(s2c.count()).isEqualTo(67);
        assertThat(atServer.open(c2s.seal(new byte[0]))).isEmpty();
    }

    @Test
    void theSameFrameTwiceFails() throws Exception {
        FrameSealer sealer = keys.clientSealer();
        FrameOpener opener = keys.serverOpener();
        byte[] f0 = sealer.seal(text("hello"));
        assertThat(opener.open(f0)).isEqualTo(text("hello"));
        assertBadFrame(() -> opener.open(f0));
    }

    @Test
    void reorderedFramesFail() throws Exception {
        FrameSealer sealer = keys.clientSealer();
        byte[] f0 = sealer.seal(text("first"));
        byte[] f1 = sealer.seal(text("second"));
        assertBadFrame(() -> keys.serverOpener().open(f1));
        FrameOpener opener = keys.serverOpener();
        assertThat(opener.open(f0)).isEqualTo(text("first"));
        assertThat(opener.open(f1)).isEqualTo(text("second"));
    }

    @Test
    void aDroppedFrameMakesTheNextOneFail() throws Exception {
        FrameSealer sealer = keys.clientSealer();
        FrameOpener opener = keys.serverOpener();
        byte[] f0 = sealer.seal(text("0"));
        sealer.seal(text("1, dropped"));
        byte[] f2 = sealer.seal(text("2"));
        assertThat(opener.open(f0)).isEqualTo(text("0"));
        assertBadFrame(() -> opener.open(f2));
    }

    @Test
    void aFrameReflectedBackToItsSenderFails() {
        // The client's frame 0 sent back to the client, whose opener is also at counter 0:
        // only the per-direction keys stop it.
        byte[] fromClient = keys.clientSealer().seal(text("to the server"));
        assertBadFrame(() -> keys.clientOpener().open(fromClient));
        byte[] fromServer = keys.serverSealer().seal(text("to the client"));
        assertBadFrame(() -> keys.serverOpener().open(fromServer));
    }

    @Test
    void aFrameFromAnotherSessionFails() {
        SessionKeys other = new SessionKeys(CryptoRandom.bytes(32), CryptoRandom.bytes(32));
        byte[] frame = other.clientSealer().seal(text("elsewhere"));
        assertBadFrame(() -> keys.serverOpener().open(frame));
    }

    @Test
    void truncatedCiphertextsFail() {
        byte[] frame = keys.clientSealer().seal(text("a message of some length"));
        for (int length : new int[] {frame.length - 1, 16, 15, 1, 0}) {
            byte[] cut = Arrays.copyOf(frame, length);
            assertBadFrame(() -> keys.serverOpener().open(cut));
        }
        byte[] longer = Arrays.copyOf(frame, frame.length + 1);
        assertBadFrame(() -> keys.serverOpener().open(longer));
    }

    @Test
    void everyFlippedBitFails() {
        byte[] frame = keys.clientSealer().seal(text("flip me"));
        for (int bit = 0; bit < frame.length * 8; bit++) {
            byte[] flipped = frame.clone();
            flipped[bit / 8] ^= (byte) (1 << (bit % 8));
            assertBadFrame(() -> keys.serverOpener().open(flipped));
        }
    }

    @Test
    void aFailureNamesTheFrameNumber() throws Exception {
        FrameSealer sealer = keys.clientSealer();
        FrameOpener opener = keys.serverOpener();
        opener.open(sealer.seal(text("0")));
        opener.open(sealer.seal(text("1")));
        assertThatThrownBy(() -> opener.open(new byte[32])).hasMessageStartingWith("frame 2 failed authentication");
    }

    @Test
    void theNonceIsFourZeroBytesThenTheBigEndianCounter() throws Exception {
        FrameCounter counter = new FrameCounter();
        HexFormat hex = HexFormat.of();
        assertThat(hex.formatHex(counter.nextNonce())).isEqualTo("000000000000000000000000");
        assertThat(hex.formatHex(counter.nextNonce())).isEqualTo("000000000000000000000001");
        for (int i = 2; i < 256; i++) {
            counter.nextNonce();
        }
        assertThat(hex.formatHex(counter.nextNonce())).isEqualTo("000000000000000000000100");

        // and the sealer uses exactly that nonce, with no associated data
        FrameSealer sealer = keys.clientSealer();
        AesGcm raw = AesGcm.of(keys.clientToServer());
        byte[] f0 = sealer.seal(text("zero"));
        byte[] f1 = sealer.seal(text("one"));
        assertThat(raw.open(hex.parseHex("000000000000000000000000"), null, f0)).isEqualTo(text("zero"));
        assertThat(raw.open(hex.parseHex("000000000000000000000001"), new byte[0], f1)).isEqualTo(text("one"));
    }

    @Test
    void sessionKeysMustBe32BytesEach() {
        assertThatThrownBy(() -> new SessionKeys(new byte[31], new byte[32])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SessionKeys(new byte[32], new byte[33])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void destroyWipesBothKeys() {
        SessionKeys k = new SessionKeys(CryptoRandom.bytes(32), CryptoRandom.bytes(32));
        k.destroy();
        assertThat(k.clientToServer()).containsOnly(0);
        assertThat(k.serverToClient()).containsOnly(0);
    }
}
