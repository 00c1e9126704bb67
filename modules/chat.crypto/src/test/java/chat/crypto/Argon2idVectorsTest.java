package chat.crypto;

import static chat.crypto.Vectors.hex;
import static chat.crypto.Vectors.repeat;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link Argon2id} and {@link Argon2Params} against RFC 9106 and the reference implementation. */
class Argon2idVectorsTest {

    /**
     * RFC 9106 section 5.3, "Argon2id Test Vectors": version 0x13, t = 3, m = 32 KiB, p = 4,
     * password 32 bytes of 0x01, salt 16 bytes of 0x02, secret 8 bytes of 0x03, associated
     * data 12 bytes of 0x04, tag length 32. It is the only Argon2id vector in the RFC and the
     * only one that exercises the secret and associated-data inputs and several lanes.
     */
    @Test
    void rfc9106Section53() {
        byte[] tag = Argon2id.derive(repeat(0x01, 32), repeat(0x02, 16), repeat(0x03, 8), repeat(0x04, 12),
                new Argon2Params(32, 3, 4), 32);

        assertThat(tag).isEqualTo(hex("0d 64 0d f5 8d 78 76 6c 08 c0 37 a3 4a 8b 53 c9"
                + "d0 1e f0 45 2d 75 b6 5e b5 25 20 e9 6b 01 e6 59"));
    }

    @Test
    void rfc9106VectorChangesWithEachInput() {
        Argon2Params params = new Argon2Params(32, 3, 4);
        byte[] reference = Argon2id.derive(repeat(0x01, 32), repeat(0x02, 16), repeat(0x03, 8), repeat(0x04, 12),
                params, 32);

        assertThat(Argon2id.derive(repeat(0x01, 32), repeat(0x02, 16), null, repeat(0x04, 12), params, 32))
                .as("without the secret").isNotEqualTo(reference);
        assertThat(Argon2id.derive(repeat(0x01, 32), repeat(0x02, 16), repeat(0x03, 8), null, params, 32))
                .as("without the associated data").isNotEqualTo(reference);
        assertThat(Argon2id.derive(repeat(0x01, 32), repeat(0x02, 16), repeat(0x03, 8), repeat(0x04, 12),
                new Argon2Params(32, 3, 1), 32)).as("one lane instead of four").isNotEqualTo(reference);
        assertThat(Argon2id.derive(repeat(0x01, 32), repeat(0x02, 16), repeat(0x03, 8), repeat(0x04, 12),
                new Argon2Params(32, 2, 4), 32)).as("two passes instead of three").isNotEqualTo(reference);
    }

    /**
     * Argon2id v0x13 vectors of the reference implementation's test suite
     * (P-H-C/phc-winner-argon2, src/test.c: {@code hashtest(version, t, log2(m), p, "password", "somesalt", ...)}),
     * through the public {@code char[]} entry point, which encodes the passphrase as UTF-8.
     * The 64 MiB one costs about a tenth of a second; it is the memory of {@link Argon2Params#DEFAULT}.
     */
    @ParameterizedTest(name = "t={0} m={1} KiB p={2}")
    @CsvSource({
            "2, 256,   1, 9dfeb910e80bad0311fee20f9c0e2b12c17987b4cac90c2ef54d5b3021c68bfe",
            "2, 65536, 1, 09316115d5cf24ed5a15a31a3ba326e5cf32edc24702987c02b6566f61913cf7",
    })
    void referenceImplementationVectors(int t, int memoryKiB, int p, String tag) {
        byte[] out = Argon2id.derive("password".toCharArray(), "somesalt".getBytes(StandardCharsets.US_ASCII),
                new Argon2Params(memoryKiB, t, p), 32);

        assertThat(out).isEqualTo(hex(tag));
    }

    @Test
    void charPassphraseIsEncodedAsUtf8() {
        String passphrase = "Grüße, 世界 🔑";
        byte[] salt = repeat(0x5a, 16);
        Argon2Params params = new Argon2Params(64, 1, 1);

        assertThat(Argon2id.derive(passphrase.toCharArray(), salt, params, 32))
                .isEqualTo(Argon2id.derive(passphrase.getBytes(StandardCharsets.UTF_8), salt, null, null, params, 32));
    }

    @Test
    void outputLengthIsHonoured() {
        Argon2Params params = new Argon2Params(64, 1, 1);
        byte[] long64 = Argon2id.derive("pw".toCharArray(), repeat(1, 16), params, 64);
        byte[] short16 = Argon2id.derive("pw".toCharArray(), repeat(1, 16), params, 16);

        assertThat(long64).hasSize(64);
        assertThat(short16).hasSize(16);
        // The tag length is hashed into H0 (RFC 9106 section 3.2), so a shorter tag is not a prefix.
        assertThat(short16).isNotEqualTo(java.util.Arrays.copyOf(long64, 16));
    }

    /**
     * A guard against weakening the default by accident, measured against RFC 9106 section 4's
     * second recommended option (t = 3, 64 MiB): at least its memory, and at least its
     * memory-passes (m * t), so trading passes for memory (say 128 MiB, t = 2) stays allowed.
     * Raising the default is always fine: every protected file stores its own parameters.
     */
    @Test
    void defaultIsNoWeakerThanTheRfc9106SecondRecommendation() {
        Argon2Params d = Argon2Params.DEFAULT;
        assertThat(d.memoryKiB()).isGreaterThanOrEqualTo(64 * 1024);
        assertThat((long) d.memoryKiB() * d.iterations()).isGreaterThanOrEqualTo(64L * 1024 * 3);
    }
}
