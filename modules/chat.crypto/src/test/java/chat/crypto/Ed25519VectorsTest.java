package chat.crypto;

import static chat.crypto.Vectors.flipBit;
import static chat.crypto.Vectors.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link SigningKeyPair} and {@link SigningPublicKey} against RFC 8032 section 7.1 (Ed25519):
 * TEST 1, TEST 2, TEST 3, TEST 1024 and TEST SHA(abc), in fixture {@code rfc8032-ed25519.txt}.
 */
class Ed25519VectorsTest {

    record Vector(String name, byte[] secretKey, byte[] publicKey, byte[] message, byte[] signature) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Vector> vectors() {
        return Vectors.records("rfc8032-ed25519.txt").stream().map(Ed25519VectorsTest::vector).toList();
    }

    private static Vector vector(Map<String, String> r) {
        return new Vector(r.get("name"), hex(r.get("SECRET KEY")), hex(r.get("PUBLIC KEY")),
                hex(r.get("MESSAGE")), hex(r.get("SIGNATURE")));
    }

    static Vector test(String name) {
        return vectors().stream().filter(v -> v.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void fixtureHoldsTheFiveRfcVectorsWithTheirStatedLengths() throws Exception {
        assertThat(vectors()).extracting(Vector::name)
                .containsExactly("TEST 1", "TEST 2", "TEST 3", "TEST 1024", "TEST SHA(abc)");
        assertThat(vectors()).allSatisfy(v -> {
            assertThat(v.secretKey()).hasSize(32);
            assertThat(v.publicKey()).hasSize(32);
            assertThat(v.signature()).hasSize(64);
        });
        assertThat(vectors()).extracting(v -> v.message().length).containsExactly(0, 1, 2, 1023, 64);
        // The message of TEST SHA(abc) is, as its name says, SHA-512 of "abc".
        assertThat(test("TEST SHA(abc)").message()).isEqualTo(
                MessageDigest.getInstance("SHA-512").digest("abc".getBytes(StandardCharsets.US_ASCII)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void publicKeyIsDerivedFromTheSecretKey(Vector v) throws Exception {
        SigningKeyPair pair = SigningKeyPair.fromPrivate(v.secretKey());

        assertThat(pair.publicKey().bytes()).isEqualTo(v.publicKey());
        assertThat(pair.publicKey()).isEqualTo(SigningPublicKey.of(v.publicKey()));
        assertThat(pair.privateBytes()).isEqualTo(v.secretKey());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void signatureIsTheRfcSignature(Vector v) throws Exception {
        // Ed25519 is deterministic: the same key and message always give the RFC's bytes.
        assertThat(SigningKeyPair.fromPrivate(v.secretKey()).sign(v.message())).isEqualTo(v.signature());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void rfcSignatureVerifies(Vector v) throws Exception {
        SigningPublicKey key = SigningPublicKey.of(v.publicKey());

        assertThat(key.verify(v.message(), v.signature())).isTrue();
        key.requireValid(v.message(), v.signature(), "the RFC vector"); // does not throw
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void everyFlippedSignatureBitIsRejected(Vector v) throws Exception {
        SigningPublicKey key = SigningPublicKey.of(v.publicKey());

        assertThat(IntStream.range(0, v.signature().length * 8)
                .filter(bit -> key.verify(v.message(), flipBit(v.signature(), bit))))
                .as("signature bits whose flip still verifies").isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void flippedMessageBitIsRejected(Vector v) throws Exception {
        SigningPublicKey key = SigningPublicKey.of(v.publicKey());
        if (v.message().length == 0) {
            assertThat(key.verify(new byte[1], v.signature())).isFalse();
            return;
        }
        for (int bit : new int[] {0, 7, v.message().length * 8 - 1}) {
            assertThat(key.verify(flipBit(v.message(), bit), v.signature())).as("bit %d", bit).isFalse();
        }
        assertThat(key.verify(Arrays.copyOf(v.message(), v.message().length - 1), v.signature()))
                .as("truncated message").isFalse();
        assertThat(key.verify(Arrays.copyOf(v.message(), v.message().length + 1), v.signature()))
                .as("extended message").isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void anotherKeyDoesNotVerify(Vector v) throws Exception {
        for (Vector other : vectors()) {
            if (!other.name().equals(v.name())) {
                assertThat(SigningPublicKey.of(other.publicKey()).verify(v.message(), v.signature()))
                        .as("%s's key on %s", other.name(), v.name()).isFalse();
            }
        }
    }

    @Test
    void requireValidThrowsAuthenticationFailedOnABadSignature() throws Exception {
        Vector v = test("TEST 2");
        SigningPublicKey key = SigningPublicKey.of(v.publicKey());

        assertThatThrownBy(() -> key.requireValid(v.message(), flipBit(v.signature(), 3), "a message"))
                .isInstanceOf(AuthenticationFailedException.class)
                .hasMessageContaining("a message");
    }

    static Stream<Arguments> malformedSignatures() {
        return Stream.of(
                Arguments.of("null", null),
                Arguments.of("empty", new byte[0]),
                Arguments.of("63 bytes", new byte[63]),
                Arguments.of("65 bytes", new byte[65]),
                Arguments.of("64 zero bytes", new byte[64]),
                Arguments.of("64 0xff bytes", Vectors.repeat(0xff, 64)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedSignatures")
    void malformedSignatureIsFalseNeverAnException(String what, byte[] signature) throws Exception {
        Vector v = test("TEST 1");
        SigningPublicKey key = SigningPublicKey.of(v.publicKey());

        assertThat(key.verify(v.message(), signature)).isFalse();
    }

    @Test
    void truncatedOrExtendedRfcSignatureIsFalse() throws Exception {
        Vector v = test("TEST 3");
        SigningPublicKey key = SigningPublicKey.of(v.publicKey());

        assertThat(key.verify(v.message(), Arrays.copyOf(v.signature(), 63))).isFalse();
        assertThat(key.verify(v.message(), Arrays.copyOf(v.signature(), 65))).isFalse();
    }

    @Test
    void nullMessageIsFalse() throws Exception {
        Vector v = test("TEST 1");
        assertThat(SigningPublicKey.of(v.publicKey()).verify(null, v.signature())).isFalse();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 31, 33, 64})
    void keysOfTheWrongLengthAreMalformed(int length) {
        assertThatThrownBy(() -> SigningPublicKey.of(new byte[length])).isInstanceOf(MalformedInputException.class);
        assertThatThrownBy(() -> SigningKeyPair.fromPrivate(new byte[length])).isInstanceOf(MalformedInputException.class);
    }

    @Test
    void nullKeysAreMalformed() {
        assertThatThrownBy(() -> SigningPublicKey.of(null)).isInstanceOf(MalformedInputException.class);
        assertThatThrownBy(() -> SigningKeyPair.fromPrivate(null)).isInstanceOf(MalformedInputException.class);
    }

    /**
     * Small-order points (the identity, and the point of order 2) and encodings that are no
     * point at all are refused, so a hostile key cannot make every signature "verify".
     */
    @ParameterizedTest
    @ValueSource(strings = {
            "0100000000000000000000000000000000000000000000000000000000000000", // identity, order 1
            "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // (0, -1), order 2
            "0000000000000000000000000000000000000000000000000000000000000080", // (0, 0) with sign bit: order 4
            "0200000000000000000000000000000000000000000000000000000000000000", // y = 2: not on the curve
    })
    void smallOrderOrOffCurvePublicKeysAreMalformed(String encoded) {
        assertThatThrownBy(() -> SigningPublicKey.of(hex(encoded))).isInstanceOf(MalformedInputException.class);
    }

    @Test
    void generatedKeysSignAndVerifyAndRoundTripThroughTheirSeed() throws Exception {
        SigningKeyPair pair = SigningKeyPair.generate();
        byte[] message = "hello, members".getBytes(StandardCharsets.UTF_8);
        byte[] signature = pair.sign(message);

        assertThat(pair.publicKey().verify(message, signature)).isTrue();
        assertThat(SigningKeyPair.fromPrivate(pair.privateBytes()).publicKey()).isEqualTo(pair.publicKey());
        assertThat(SigningKeyPair.generate().publicKey()).isNotEqualTo(pair.publicKey());
    }

    @Test
    void publicKeyBytesAreACopy() throws Exception {
        Vector v = test("TEST 1");
        byte[] encoded = v.publicKey().clone();
        SigningPublicKey key = SigningPublicKey.of(encoded);
        encoded[0] ^= 1;
        key.bytes()[1] ^= 1;

        assertThat(key.bytes()).isEqualTo(v.publicKey());
        assertThat(key.verify(v.message(), v.signature())).isTrue();
        assertThat(key.toString()).isEqualTo("Ed25519:" + Vectors.hex(v.publicKey()));
        assertThat(key.hashCode()).isEqualTo(SigningPublicKey.of(v.publicKey()).hashCode());
    }

    @Test
    void destroyWipesTheSeed() throws Exception {
        SigningKeyPair pair = SigningKeyPair.fromPrivate(test("TEST 1").secretKey());
        pair.destroy();
        assertThat(pair.privateBytes()).containsOnly(0);
    }
}
