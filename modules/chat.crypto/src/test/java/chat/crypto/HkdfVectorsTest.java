package chat.crypto;

import static chat.crypto.Vectors.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link Hkdf} against RFC 5869 appendix A, the HMAC-SHA-256 test cases 1, 2 and 3. */
class HkdfVectorsTest {

    /** RFC 5869 A.1, Test Case 1: basic test case with SHA-256. */
    @Test
    void testCase1() {
        byte[] ikm = hex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b"); // 22 octets
        byte[] salt = hex("000102030405060708090a0b0c"); // 13 octets
        byte[] info = hex("f0f1f2f3f4f5f6f7f8f9"); // 10 octets

        byte[] prk = Hkdf.extract(salt, ikm);
        assertThat(prk).isEqualTo(hex("077709362c2e32df0ddc3f0dc47bba63 90b6c73bb50f9c3122ec844ad7c2b3e5"));

        byte[] okm = Hkdf.expand(prk, info, 42);
        assertThat(okm).isEqualTo(hex("3cb25f25faacd57a90434f64d0362f2a 2d2d0a90cf1a5a4c5db02d56ecc4c5bf"
                + "34007208d5b887185865"));
    }

    /** RFC 5869 A.2, Test Case 2: longer inputs and outputs (80-octet ikm, salt and info; 82-octet okm). */
    @Test
    void testCase2() {
        byte[] ikm = range(0x00, 0x4f);
        byte[] salt = range(0x60, 0xaf);
        byte[] info = range(0xb0, 0xff);

        byte[] prk = Hkdf.extract(salt, ikm);
        assertThat(prk).isEqualTo(hex("06a6b88c5853361a06104c9ceb35b45c ef760014904671014a193f40c15fc244"));

        byte[] okm = Hkdf.expand(prk, info, 82);
        assertThat(okm).isEqualTo(hex("b11e398dc80327a1c8e7f78c596a4934 4f012eda2d4efad8a050cc4c19afa97c"
                + "59045a99cac7827271cb41c65e590e09 da3275600c2f09b8367793a9aca3db71"
                + "cc30c58179ec3e87c14c01d5c1f3434f 1d87"));
    }

    /** RFC 5869 A.3, Test Case 3: zero-length salt and info. */
    @Test
    void testCase3() {
        byte[] ikm = hex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b");
        byte[] expectedPrk = hex("19ef24a32c717b167f33a91d6f648bdf 96596776afdb6377ac434c1c293ccb04");
        byte[] expectedOkm = hex("8da4e775a563c18f715f802a063c5a31 b8a11f5c5ee1879ec3454e5f3c738d2d"
                + "9d201395faa4b61a96c8");

        byte[] prk = Hkdf.extract(new byte[0], ikm);
        assertThat(prk).isEqualTo(expectedPrk);
        assertThat(Hkdf.expand(prk, new byte[0], 42)).isEqualTo(expectedOkm);

        // "not provided" salt: RFC 5869 section 2.2 sets it to HashLen zeros, as does null here.
        assertThat(Hkdf.extract(null, ikm)).isEqualTo(expectedPrk);
        assertThat(Hkdf.extract(new byte[32], ikm)).isEqualTo(expectedPrk);
    }

    @Test
    void shorterOutputIsAPrefixOfLongerOutput() {
        byte[] prk = Hkdf.extract(hex("000102030405060708090a0b0c"), hex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b"));
        byte[] info = hex("f0f1f2f3f4f5f6f7f8f9");
        byte[] full = Hkdf.expand(prk, info, 255 * 32);

        assertThat(full).hasSize(8160);
        for (int length : new int[] {1, 31, 32, 33, 42, 64, 100}) {
            assertThat(Hkdf.expand(prk, info, length)).isEqualTo(Arrays.copyOf(full, length));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 0, 255 * 32 + 1, Integer.MAX_VALUE})
    void outputLengthOutOfRangeIsRejected(int length) {
        byte[] prk = new byte[32];
        assertThatThrownBy(() -> Hkdf.expand(prk, new byte[0], length)).isInstanceOf(IllegalArgumentException.class);
    }

    private static byte[] range(int first, int last) {
        byte[] out = new byte[last - first + 1];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) (first + i);
        }
        return out;
    }
}
