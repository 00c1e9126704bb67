package chat.crypto;

import static chat.crypto.Vectors.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link AgreementKeyPair} and {@link AgreementPublicKey} against RFC 7748 (X25519). */
class X25519VectorsTest {

    /** RFC 7748 section 5.2: the two single scalar multiplications (scalar, u-coordinate, output). */
    @ParameterizedTest(name = "section 5.2 vector {index}")
    @CsvSource({
            "a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4,"
                    + "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c,"
                    + "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552",
            // The u-coordinate's last byte, 0x93, has bit 255 set: RFC 7748 says to ignore it.
            "4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d,"
                    + "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493,"
                    + "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957",
    })
    void scalarMultiplicationMatchesSection52(String scalar, String u, String output) throws Exception {
        byte[] shared = AgreementKeyPair.fromPrivate(hex(scalar)).agree(AgreementPublicKey.of(hex(u)));
        assertThat(shared).isEqualTo(hex(output));
    }

    /**
     * RFC 7748 section 5.2, the iterated test: k = u = 9; then repeatedly k, u = X25519(k, u), k.
     * The RFC gives k after 1 and after 1,000 iterations (the 1,000,000 one is too slow for a unit test).
     */
    @Test
    void iteratedScalarMultiplicationMatchesSection52() throws Exception {
        byte[] k = new byte[32];
        k[0] = 9;
        byte[] u = k.clone();
        for (int i = 1; i <= 1000; i++) {
            byte[] next = AgreementKeyPair.fromPrivate(k).agree(AgreementPublicKey.of(u));
            u = k;
            k = next;
            if (i == 1) {
                assertThat(k).isEqualTo(hex("422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079"));
            }
        }
        assertThat(k).isEqualTo(hex("684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51"));
    }

    /** RFC 7748 section 6.1, Curve25519 Diffie-Hellman between Alice and Bob. */
    @Test
    void diffieHellmanMatchesSection61() throws Exception {
        byte[] alicePrivate = hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
        byte[] alicePublic = hex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
        byte[] bobPrivate = hex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
        byte[] bobPublic = hex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
        byte[] sharedSecret = hex("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");

        AgreementKeyPair alice = AgreementKeyPair.fromPrivate(alicePrivate);
        AgreementKeyPair bob = AgreementKeyPair.fromPrivate(bobPrivate);

        assertThat(alice.publicKey().bytes()).isEqualTo(alicePublic);
        assertThat(bob.publicKey().bytes()).isEqualTo(bobPublic);
        assertThat(alice.agree(AgreementPublicKey.of(bobPublic))).isEqualTo(sharedSecret);
        assertThat(bob.agree(AgreementPublicKey.of(alicePublic))).isEqualTo(sharedSecret);
        assertThat(alice.privateBytes()).isEqualTo(alicePrivate);
    }

    /**
     * Public keys of small order (and their non-canonical encodings) make the shared secret
     * all zeros whatever our private key, which RFC 7748 section 6.1 allows a party to refuse;
     * {@link AgreementKeyPair#agree} must refuse it. The list is libsodium's blocklist
     * (crypto_scalarmult/curve25519/ref10/x25519_ref10.c): 0, 1, the two points of order 8,
     * p - 1, p and p + 1, plus the same encodings with bit 255 set (it is masked off).
     */
    @ParameterizedTest
    @ValueSource(strings = {
            "0000000000000000000000000000000000000000000000000000000000000000",
            "0100000000000000000000000000000000000000000000000000000000000000",
            "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
            "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
            "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
            "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
            "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
            "0000000000000000000000000000000000000000000000000000000000000080",
            "0100000000000000000000000000000000000000000000000000000000000080",
            "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b880",
            "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f11d7",
            "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
            "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
            "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
    })
    void smallOrderPeerKeyIsRefused(String peer) throws Exception {
        AgreementKeyPair ours = AgreementKeyPair.generate();
        AgreementPublicKey smallOrder = AgreementPublicKey.of(hex(peer));

        assertThatThrownBy(() -> ours.agree(smallOrder)).isInstanceOf(MalformedInputException.class);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 31, 33})
    void keysOfTheWrongLengthAreMalformed(int length) {
        assertThatThrownBy(() -> AgreementPublicKey.of(new byte[length])).isInstanceOf(MalformedInputException.class);
        assertThatThrownBy(() -> AgreementKeyPair.fromPrivate(new byte[length])).isInstanceOf(MalformedInputException.class);
    }

    @Test
    void nullKeysAreMalformed() {
        assertThatThrownBy(() -> AgreementPublicKey.of(null)).isInstanceOf(MalformedInputException.class);
        assertThatThrownBy(() -> AgreementKeyPair.fromPrivate(null)).isInstanceOf(MalformedInputException.class);
    }

    @Test
    void generatedPairsAgree() throws Exception {
        AgreementKeyPair a = AgreementKeyPair.generate();
        AgreementKeyPair b = AgreementKeyPair.generate();

        assertThat(a.agree(b.publicKey())).isEqualTo(b.agree(a.publicKey())).hasSize(32);
        assertThat(a.publicKey()).isNotEqualTo(b.publicKey());
        assertThat(AgreementKeyPair.fromPrivate(a.privateBytes()).publicKey()).isEqualTo(a.publicKey());
    }

    @Test
    void publicKeyIsImmutableAndPrintsAsHex() throws Exception {
        byte[] encoded = hex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
        AgreementPublicKey key = AgreementPublicKey.of(encoded.clone());
        key.bytes()[0] ^= 1;

        assertThat(key.bytes()).isEqualTo(encoded);
        assertThat(key).isEqualTo(AgreementPublicKey.of(encoded)).hasSameHashCodeAs(AgreementPublicKey.of(encoded));
        assertThat(key.toString()).isEqualTo("X25519:de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
    }

    @Test
    void destroyWipesTheScalar() throws Exception {
        AgreementKeyPair pair = AgreementKeyPair.generate();
        pair.destroy();
        assertThat(pair.privateBytes()).containsOnly(0);
    }
}
