package chat.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link CryptoRandom}: right lengths, fresh bytes each call. */
class CryptoRandomTest {

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 12, 16, 32, 1000})
    void bytesHasTheRequestedLength(int n) {
        assertThat(CryptoRandom.bytes(n)).hasSize(n);
    }

    @Test
    void twoCallsDiffer() {
        assertThat(CryptoRandom.bytes(32)).isNotEqualTo(CryptoRandom.bytes(32));
        assertThat(CryptoRandom.bytes(16)).isNotEqualTo(CryptoRandom.bytes(16));
    }

    @Test
    void fillOverwritesTheWholeArray() {
        byte[] a = new byte[64];
        byte[] b = new byte[64];
        CryptoRandom.fill(a);
        CryptoRandom.fill(b);

        assertThat(a).isNotEqualTo(new byte[64]).isNotEqualTo(b);
    }

    /** Not a statistical test, only a guard against a stuck or badly broken generator. */
    @Test
    void bytesLookUniform() {
        int[] counts = new int[256];
        for (byte x : CryptoRandom.bytes(256 * 1000)) {
            counts[x & 0xff]++;
        }
        // Each count is Binomial(256000, 1/256): mean 1000, sd ~31.6; 1000 +- 250 is ~8 sd.
        assertThat(java.util.Arrays.stream(counts).min().orElseThrow()).isGreaterThanOrEqualTo(750);
        assertThat(java.util.Arrays.stream(counts).max().orElseThrow()).isLessThanOrEqualTo(1250);
    }
}
