package chat.protocol.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import chat.protocol.ErrorCode;
import chat.protocol.ProtocolException;
import chat.protocol.ProtocolLimits;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link FrameReader} and {@link FrameWriter}: the 4-byte big-endian length prefix and every way it can be wrong. */
class FrameReaderTest {

    static final int LIMIT = ProtocolLimits.DEFAULT_MAX_FRAME_BYTES;

    static FrameReader reader(String hex) {
        return new FrameReader(new ByteArrayInputStream(HexFormat.of().parseHex(hex)), LIMIT);
    }

    static void assertBadFrame(FrameReader reader, String fragment) {
        assertThatThrownBy(reader::read)
                .isInstanceOf(ProtocolException.class)
                .hasMessageContaining(fragment)
                .satisfies(e -> assertThat(((ProtocolException) e).code()).isEqualTo(ErrorCode.BAD_FRAME));
    }

    @Test
    void writtenFramesReadBackInOrderThenCleanEndOfStreamIsNull() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        FrameWriter writer = new FrameWriter(out);
        writer.write(new byte[] {1});
        writer.write(new byte[] {2, 3, 4});
        writer.write(new byte[LIMIT]);
        writer.flush();
        assertThat(HexFormat.of().formatHex(out.toByteArray(), 0, 12)).isEqualTo("00000001" + "01" + "00000003" + "020304");

        FrameReader reader = new FrameReader(new ByteArrayInputStream(out.toByteArray()), LIMIT);
        assertThat(reader.read()).containsExactly(1);
        assertThat(reader.read()).containsExactly(2, 3, 4);
        assertThat(reader.read()).hasSize(LIMIT);
        assertThat(reader.read()).isNull();
        assertThat(reader.read()).isNull();
    }

    @Test
    void cleanEndOfStreamBeforeAnyFrameIsNull() throws Exception {
        assertThat(reader("").read()).isNull();
    }

    @Test
    void zeroLengthIsRefused() {
        assertBadFrame(reader("00000000"), "frame length 0 is empty");
    }

    @Test
    void aNegativeLengthIsRefusedAsTheUnsignedValueItClaims() {
        assertBadFrame(reader("ffffffff"), "frame length 4294967295 exceeds the limit of 1048576 bytes");
        assertBadFrame(reader("80000000"), "frame length 2147483648 exceeds the limit");
    }

    @Test
    void oneByteOverTheLimitIsRefused() {
        assertBadFrame(reader("00100001"), "frame of 1048577 bytes exceeds the limit of 1048576");
    }

    @Test
    void aHugeClaimFailsAtOnceWithoutReadingOrAllocatingThePayload() {
        // A header claiming 2^31-1 bytes and a stream that would block forever after it: the
        // reader must decide from the four header bytes alone.
        AtomicLong bytesRead = new AtomicLong();
        InputStream header = new ByteArrayInputStream(HexFormat.of().parseHex("7fffffff"));
        InputStream stream = new InputStream() {
            @Override
            public int read() throws IOException {
                int b = header.read();
                if (b < 0) {
                    throw new AssertionError("the reader asked for a payload byte");
                }
                bytesRead.incrementAndGet();
                return b;
            }
        };
        assertBadFrame(new FrameReader(stream, LIMIT), "frame of 2147483647 bytes exceeds the limit of 1048576");
        assertThat(bytesRead).hasValue(4);
    }

    @ParameterizedTest
    @ValueSource(strings = {"00", "0000", "000001"})
    void aStreamEndingInsideTheHeaderIsTruncated(String hex) {
        assertBadFrame(reader(hex), "truncated frame: stream ended inside the length header");
    }

    @Test
    void aStreamEndingInsideThePayloadIsTruncated() {
        assertBadFrame(reader("00000005" + "01020304"), "truncated frame: 4 of 5 bytes arrived");
        assertBadFrame(reader("00000005"), "truncated frame: 0 of 5 bytes arrived");
    }

    @Test
    void aTruncatedSecondFrameFailsAfterAGoodFirstOne() throws Exception {
        FrameReader reader = reader("00000001" + "aa" + "000000");
        assertThat(reader.read()).containsExactly(0xaa);
        assertBadFrame(reader, "truncated frame");
    }

    @Test
    void theLimitIsTheReadersOwn() throws Exception {
        FrameReader small = new FrameReader(new ByteArrayInputStream(HexFormat.of().parseHex("00000401" + "00".repeat(1025))), 1024);
        assertBadFrame(small, "frame of 1025 bytes exceeds the limit of 1024");
        FrameReader exact = new FrameReader(new ByteArrayInputStream(HexFormat.of().parseHex("00000400" + "00".repeat(1024))), 1024);
        assertThat(exact.read()).hasSize(1024);
    }

    @Test
    void aSlowStreamThatDeliversThePayloadInPiecesIsReadWhole() throws Exception {
        byte[] data = HexFormat.of().parseHex("00000006" + "010203040506");
        InputStream trickle = new InputStream() {
            int position;

            @Override
            public int read() {
                return position < data.length ? data[position++] & 0xff : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (position >= data.length) {
                    return -1;
                }
                b[off] = data[position++];
                return 1;
            }
        };
        assertThat(new FrameReader(trickle, LIMIT).read()).containsExactly(1, 2, 3, 4, 5, 6);
    }
}
