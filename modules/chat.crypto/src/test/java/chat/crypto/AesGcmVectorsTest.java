package chat.crypto;

import static chat.crypto.Vectors.flipBit;
import static chat.crypto.Vectors.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link AesGcm} against published AES-256-GCM known answers (fixture {@code aes256-gcm.txt}):
 * test cases 13-16 of the GCM specification (McGrew and Viega) and records of NIST CAVP's
 * gcmEncryptExtIV256.rsp, all with a 96-bit IV and a 128-bit tag.
 */
class AesGcmVectorsTest {

    record Vector(String name, byte[] key, byte[] iv, byte[] pt, byte[] aad, byte[] ct, byte[] tag) {
        byte[] sealed() {
            byte[] out = Arrays.copyOf(ct, ct.length + tag.length);
            System.arraycopy(tag, 0, out, ct.length, tag.length);
            return out;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private static final Pattern LENGTHS = Pattern.compile("PTlen=(\\d+) AADlen=(\\d+)");

    static List<Vector> vectors() {
        return Vectors.records("aes256-gcm.txt").stream().map(AesGcmVectorsTest::vector).toList();
    }

    private static Vector vector(Map<String, String> r) {
        return new Vector(r.get("name"), hex(r.get("Key")), hex(r.get("IV")), hex(r.get("PT")), hex(r.get("AAD")),
                hex(r.get("CT")), hex(r.get("Tag")));
    }

    /** The GCM spec's Test Case 16: 60 bytes of plaintext (a partial block) and 20 of aad. */
    static Vector case16() {
        return vectors().stream().filter(v -> v.name().endsWith("Test Case 16")).findFirst().orElseThrow();
    }

    @Test
    void fixtureIsWellFormed() {
        assertThat(vectors()).hasSize(4 + 12);
        assertThat(vectors()).allSatisfy(v -> {
            assertThat(v.key()).hasSize(32);
            assertThat(v.iv()).hasSize(12);
            assertThat(v.tag()).hasSize(16);
            assertThat(v.ct()).hasSameSizeAs(v.pt());
            Matcher m = LENGTHS.matcher(v.name());
            if (m.find()) { // CAVP records: lengths in bits, as in the .rsp section headers
                assertThat(v.pt().length * 8).isEqualTo(Integer.parseInt(m.group(1)));
                assertThat(v.aad().length * 8).isEqualTo(Integer.parseInt(m.group(2)));
            }
        });
        assertThat(vectors()).filteredOn(v -> v.aad().length > 0 && v.pt().length > 0).isNotEmpty();
        assertThat(vectors()).filteredOn(v -> v.aad().length == 0 && v.pt().length > 0).isNotEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void sealGivesCiphertextThenTag(Vector v) throws Exception {
        assertThat(AesGcm.of(v.key()).seal(v.iv(), v.aad(), v.pt())).isEqualTo(v.sealed());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void openGivesThePlaintext(Vector v) throws Exception {
        assertThat(AesGcm.of(v.key()).open(v.iv(), v.aad(), v.sealed())).isEqualTo(v.pt());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void nullAadIsTheEmptyAad(Vector v) throws Exception {
        if (v.aad().length == 0) {
            assertThat(AesGcm.of(v.key()).seal(v.iv(), null, v.pt())).isEqualTo(v.sealed());
            assertThat(AesGcm.of(v.key()).open(v.iv(), null, v.sealed())).isEqualTo(v.pt());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void everyFlippedBitFailsAuthentication(Vector v) throws Exception {
        AesGcm gcm = AesGcm.of(v.key());
        byte[] sealed = v.sealed();
        assertThat(IntStream.range(0, sealed.length * 8).filter(bit -> {
            try {
                gcm.open(v.iv(), v.aad(), flipBit(sealed, bit));
                return true;
            } catch (AuthenticationFailedException expected) {
                return false;
            } catch (CryptoException e) {
                throw new AssertionError("bit " + bit + ": " + e, e);
            }
        })).as("bits of ciphertext||tag whose flip still opens").isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void wrongKeyFailsAuthentication(Vector v) throws Exception {
        assertThatThrownBy(() -> AesGcm.of(flipBit(v.key(), 0)).open(v.iv(), v.aad(), v.sealed()))
                .isInstanceOf(AuthenticationFailedException.class);
        assertThatThrownBy(() -> AesGcm.of(flipBit(v.key(), 255)).open(v.iv(), v.aad(), v.sealed()))
                .isInstanceOf(AuthenticationFailedException.class);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void wrongNonceFailsAuthentication(Vector v) throws Exception {
        assertThatThrownBy(() -> AesGcm.of(v.key()).open(flipBit(v.iv(), 95), v.aad(), v.sealed()))
                .isInstanceOf(AuthenticationFailedException.class);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void wrongAadFailsAuthentication(Vector v) throws Exception {
        byte[] otherAad = v.aad().length == 0 ? new byte[] {0} : flipBit(v.aad(), 0);
        assertThatThrownBy(() -> AesGcm.of(v.key()).open(v.iv(), otherAad, v.sealed()))
                .isInstanceOf(AuthenticationFailedException.class);
        if (v.aad().length > 0) {
            assertThatThrownBy(() -> AesGcm.of(v.key()).open(v.iv(), new byte[0], v.sealed()))
                    .isInstanceOf(AuthenticationFailedException.class);
            assertThatThrownBy(() -> AesGcm.of(v.key()).open(v.iv(), null, v.sealed()))
                    .isInstanceOf(AuthenticationFailedException.class);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void truncatedCiphertextIsRefused(Vector v) throws Exception {
        AesGcm gcm = AesGcm.of(v.key());
        byte[] sealed = v.sealed();
        // Shorter than the tag: not even well formed.
        for (int length : new int[] {0, 1, AesGcm.TAG_LENGTH - 1}) {
            assertThatThrownBy(() -> gcm.open(v.iv(), v.aad(), Arrays.copyOf(sealed, length)))
                    .as("%d bytes", length).isInstanceOf(MalformedInputException.class);
        }
        // A tag's length or more, but not the whole: the tag check fails.
        if (sealed.length > AesGcm.TAG_LENGTH) {
            assertThatThrownBy(() -> gcm.open(v.iv(), v.aad(), Arrays.copyOf(sealed, sealed.length - 1)))
                    .isInstanceOf(AuthenticationFailedException.class);
            assertThatThrownBy(() -> gcm.open(v.iv(), v.aad(), Arrays.copyOf(sealed, AesGcm.TAG_LENGTH)))
                    .isInstanceOf(AuthenticationFailedException.class);
        }
        assertThatThrownBy(() -> gcm.open(v.iv(), v.aad(), Arrays.copyOf(sealed, sealed.length + 1)))
                .isInstanceOf(AuthenticationFailedException.class);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 8, 11, 13, 16})
    void nonceOfTheWrongLengthIsMalformed(int length) throws Exception {
        Vector v = case16();
        AesGcm gcm = AesGcm.of(v.key());

        assertThatThrownBy(() -> gcm.seal(new byte[length], v.aad(), v.pt())).isInstanceOf(MalformedInputException.class);
        assertThatThrownBy(() -> gcm.open(new byte[length], v.aad(), v.sealed())).isInstanceOf(MalformedInputException.class);
    }

    @Test
    void nullNonceIsMalformed() throws Exception {
        Vector v = case16();
        AesGcm gcm = AesGcm.of(v.key());

        assertThatThrownBy(() -> gcm.seal(null, v.aad(), v.pt())).isInstanceOf(MalformedInputException.class);
        assertThatThrownBy(() -> gcm.open(null, v.aad(), v.sealed())).isInstanceOf(MalformedInputException.class);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 16, 24, 31, 33, 64})
    void keyOfTheWrongLengthIsMalformed(int length) {
        // AES-128 and AES-192 keys are refused too: this class is AES-256 only.
        assertThatThrownBy(() -> AesGcm.of(new byte[length])).isInstanceOf(MalformedInputException.class);
    }

    @Test
    void nullKeyIsMalformed() {
        assertThatThrownBy(() -> AesGcm.of(null)).isInstanceOf(MalformedInputException.class);
    }

    @Test
    void offsetAndLengthSelectASliceOfTheInput() throws Exception {
        Vector v = case16();
        AesGcm gcm = AesGcm.of(v.key());
        byte[] paddedPt = new byte[v.pt().length + 10];
        System.arraycopy(v.pt(), 0, paddedPt, 3, v.pt().length);
        byte[] paddedSealed = new byte[v.sealed().length + 10];
        System.arraycopy(v.sealed(), 0, paddedSealed, 7, v.sealed().length);

        assertThat(gcm.seal(v.iv(), v.aad(), paddedPt, 3, v.pt().length)).isEqualTo(v.sealed());
        assertThat(gcm.open(v.iv(), v.aad(), paddedSealed, 7, v.sealed().length)).isEqualTo(v.pt());
        assertThatThrownBy(() -> gcm.open(v.iv(), v.aad(), paddedSealed, 7, AesGcm.TAG_LENGTH - 1))
                .isInstanceOf(MalformedInputException.class);
    }

    @Test
    void oneInstanceServesManyMessagesAndSurvivesAFailedOpen() throws Exception {
        Vector v = case16();
        AesGcm gcm = AesGcm.of(v.key());
        byte[] nonce2 = flipBit(v.iv(), 0);

        byte[] first = gcm.seal(v.iv(), v.aad(), v.pt());
        byte[] second = gcm.seal(nonce2, v.aad(), v.pt());
        assertThatThrownBy(() -> gcm.open(v.iv(), v.aad(), flipBit(first, 0)))
                .isInstanceOf(AuthenticationFailedException.class);

        assertThat(first).isEqualTo(v.sealed());
        assertThat(second).isNotEqualTo(first);
        assertThat(gcm.open(v.iv(), v.aad(), first)).isEqualTo(v.pt());
        assertThat(gcm.open(nonce2, v.aad(), second)).isEqualTo(v.pt());
    }

    @Test
    void keyArrayIsCopiedNotKept() throws Exception {
        Vector v = case16();
        byte[] key = v.key().clone();
        AesGcm gcm = AesGcm.of(key);
        Arrays.fill(key, (byte) 0);

        assertThat(gcm.seal(v.iv(), v.aad(), v.pt())).isEqualTo(v.sealed());
    }
}
