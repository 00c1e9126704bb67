package chat.crypto;

import static chat.crypto.Vectors.flipBit;
import static chat.crypto.Vectors.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link Hpke} against RFC 9180 appendix A.2.1: DHKEM(X25519, HKDF-SHA256), HKDF-SHA256,
 * ChaCha20Poly1305, mode_base (mode 0, kem_id 32, kdf_id 1, aead_id 3); section A.2.1.1,
 * encryption with sequence number 0 (the only one a single-shot seal produces).
 */
class HpkeVectorsTest {

    // RFC 9180 A.2.1 "Base Setup Information"
    static final byte[] INFO = hex("4f6465206f6e2061204772656369616e2055726e"); // "Ode on a Grecian Urn"
    static final byte[] SK_EM = hex("f4ec9b33b792c372c1d2c2063507b684ef925b8c75a42dbcbf57d63ccd381600");
    static final byte[] PK_EM = hex("1afa08d3dec047a643885163f1180476fa7ddb54c6a8029ea33f95796bf2ac4a");
    static final byte[] SK_RM = hex("8057991eef8f1f1af18f4a9491d16a1ce333f695d4db8e38da75975c4478e0fb");
    static final byte[] PK_RM = hex("4310ee97d88cc1f088a5576c77ab0cf5c3ac797f3d95139c6c84b5429c59662a");
    static final byte[] ENC = hex("1afa08d3dec047a643885163f1180476fa7ddb54c6a8029ea33f95796bf2ac4a");

    // RFC 9180 A.2.1.1 "Encryptions", sequence number: 0
    static final byte[] AAD = hex("436f756e742d30"); // "Count-0"
    static final byte[] PT = hex("4265617574792069732074727574682c20747275746820626561757479"); // "Beauty is truth, truth beauty"
    static final byte[] CT = hex("1c5250d8034ec2b784ba2cfd69dbdb8af406cfe3ff938e131f0def8c8b60b4db"
            + "21993c62ce81883d2dd1b51a28");

    static AgreementKeyPair ephemeral() throws MalformedInputException {
        return AgreementKeyPair.fromPrivate(SK_EM);
    }

    static AgreementKeyPair recipient() throws MalformedInputException {
        return AgreementKeyPair.fromPrivate(SK_RM);
    }

    static HpkeSealed rfcSealed() {
        return new HpkeSealed(ENC, CT);
    }

    @Test
    void theVectorsKeyPairsAreConsistent() throws Exception {
        assertThat(ephemeral().publicKey().bytes()).isEqualTo(PK_EM).isEqualTo(ENC);
        // skRm has bit 255 set (it is not clamped); X25519 clamps at use and still gives pkRm.
        assertThat(recipient().publicKey().bytes()).isEqualTo(PK_RM);
        assertThat(new String(PT, StandardCharsets.US_ASCII)).isEqualTo("Beauty is truth, truth beauty");
    }

    @Test
    void sealWithTheRfcEphemeralKeyGivesTheRfcEncAndCiphertext() throws Exception {
        HpkeSealed sealed = Hpke.seal(AgreementPublicKey.of(PK_RM), INFO, AAD, PT, ephemeral());

        assertThat(sealed.enc()).isEqualTo(PK_EM);
        assertThat(sealed.ciphertext()).isEqualTo(CT);
    }

    @Test
    void openOfTheRfcCiphertextGivesTheRfcPlaintext() throws Exception {
        assertThat(Hpke.open(recipient(), rfcSealed(), INFO, AAD)).isEqualTo(PT);
    }

    @Test
    void sealDestroysTheEphemeralKey() throws Exception {
        AgreementKeyPair ephemeral = ephemeral();
        Hpke.seal(AgreementPublicKey.of(PK_RM), INFO, AAD, PT, ephemeral);
        assertThat(ephemeral.privateBytes()).containsOnly(0);
    }

    @Test
    void freshSealsRoundTripAndNeverRepeat() throws Exception {
        AgreementKeyPair recipient = AgreementKeyPair.generate();
        byte[] secret = CryptoRandom.bytes(32);

        HpkeSealed first = Hpke.seal(recipient.publicKey(), INFO, AAD, secret);
        HpkeSealed second = Hpke.seal(recipient.publicKey(), INFO, AAD, secret);

        assertThat(first.enc()).hasSize(Hpke.ENC_LENGTH).isNotEqualTo(second.enc());
        assertThat(first.ciphertext()).hasSize(secret.length + 16).isNotEqualTo(second.ciphertext());
        assertThat(Hpke.open(recipient, first, INFO, AAD)).isEqualTo(secret);
        assertThat(Hpke.open(recipient, second, INFO, AAD)).isEqualTo(secret);
    }

    @Test
    void emptyPlaintextInfoAndAadRoundTrip() throws Exception {
        AgreementKeyPair recipient = AgreementKeyPair.generate();
        HpkeSealed sealed = Hpke.seal(recipient.publicKey(), new byte[0], new byte[0], new byte[0]);

        assertThat(sealed.ciphertext()).hasSize(16);
        assertThat(Hpke.open(recipient, sealed, new byte[0], new byte[0])).isEmpty();
    }

    // ---- negative cases: always a typed CryptoException, never garbage ----

    @Test
    void wrongRecipientKeyFailsAuthentication() throws Exception {
        assertThatThrownBy(() -> Hpke.open(AgreementKeyPair.generate(), rfcSealed(), INFO, AAD))
                .isInstanceOf(AuthenticationFailedException.class);
        // The ephemeral key is a valid X25519 key too, but not the recipient.
        assertThatThrownBy(() -> Hpke.open(ephemeral(), rfcSealed(), INFO, AAD))
                .isInstanceOf(AuthenticationFailedException.class);
    }

    @Test
    void wrongInfoFailsAuthentication() {
        byte[] otherInfo = "Ode to a Nightingale".getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> Hpke.open(recipient(), rfcSealed(), otherInfo, AAD))
                .isInstanceOf(AuthenticationFailedException.class);
        assertThatThrownBy(() -> Hpke.open(recipient(), rfcSealed(), new byte[0], AAD))
                .isInstanceOf(AuthenticationFailedException.class);
    }

    @Test
    void wrongAadFailsAuthentication() {
        // "Count-1" is the aad of the RFC's sequence number 1: right key, wrong position.
        assertThatThrownBy(() -> Hpke.open(recipient(), rfcSealed(), INFO, hex("436f756e742d31")))
                .isInstanceOf(AuthenticationFailedException.class);
        assertThatThrownBy(() -> Hpke.open(recipient(), rfcSealed(), INFO, new byte[0]))
                .isInstanceOf(AuthenticationFailedException.class);
    }

    @Test
    void everyFlippedCiphertextBitFailsAuthentication() throws Exception {
        AgreementKeyPair recipient = recipient();
        assertThat(IntStream.range(0, CT.length * 8).filter(bit -> {
            try {
                Hpke.open(recipient, new HpkeSealed(ENC, flipBit(CT, bit)), INFO, AAD);
                return true;
            } catch (AuthenticationFailedException expected) {
                return false;
            } catch (CryptoException e) {
                throw new AssertionError("bit " + bit + ": " + e, e);
            }
        })).as("ciphertext bits whose flip still opens").isEmpty();
    }

    /**
     * Every flipped bit of enc fails, including bit 255, which X25519 itself ignores: the
     * KEM's shared secret also hashes enc, so the recipient derives another key.
     */
    @Test
    void everyFlippedEncBitFailsAuthentication() throws Exception {
        AgreementKeyPair recipient = recipient();
        assertThat(IntStream.range(0, ENC.length * 8).filter(bit -> {
            try {
                Hpke.open(recipient, new HpkeSealed(flipBit(ENC, bit), CT), INFO, AAD);
                return true;
            } catch (AuthenticationFailedException expected) {
                return false;
            } catch (CryptoException e) {
                throw new AssertionError("bit " + bit + ": " + e, e);
            }
        })).as("enc bits whose flip still opens").isEmpty();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 15})
    void ciphertextShorterThanTheTagIsMalformed(int length) {
        HpkeSealed truncated = new HpkeSealed(ENC, Arrays.copyOf(CT, length));
        assertThatThrownBy(() -> Hpke.open(recipient(), truncated, INFO, AAD))
                .isInstanceOf(MalformedInputException.class);
    }

    @ParameterizedTest
    @ValueSource(ints = {16, 44})
    void truncatedCiphertextOfAtLeastATagFailsAuthentication(int length) {
        HpkeSealed truncated = new HpkeSealed(ENC, Arrays.copyOf(CT, length));
        assertThatThrownBy(() -> Hpke.open(recipient(), truncated, INFO, AAD))
                .isInstanceOf(AuthenticationFailedException.class);
    }

    @Test
    void extendedCiphertextFailsAuthentication() {
        HpkeSealed extended = new HpkeSealed(ENC, Arrays.copyOf(CT, CT.length + 1));
        assertThatThrownBy(() -> Hpke.open(recipient(), extended, INFO, AAD))
                .isInstanceOf(AuthenticationFailedException.class);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 31, 33, 65})
    void encOfTheWrongLengthIsMalformed(int length) {
        HpkeSealed bad = new HpkeSealed(Arrays.copyOf(ENC, length), CT);
        assertThatThrownBy(() -> Hpke.open(recipient(), bad, INFO, AAD))
                .isInstanceOf(MalformedInputException.class);
    }

    /** An enc of small order would give the all-zero DH secret; it is refused as malformed. */
    @ParameterizedTest
    @ValueSource(strings = {
            "0000000000000000000000000000000000000000000000000000000000000000",
            "0100000000000000000000000000000000000000000000000000000000000000",
            "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
            "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    })
    void smallOrderEncIsMalformed(String enc) {
        HpkeSealed bad = new HpkeSealed(hex(enc), CT);
        assertThatThrownBy(() -> Hpke.open(recipient(), bad, INFO, AAD))
                .isInstanceOf(MalformedInputException.class);
    }

    /**
     * Sealing to a small-order recipient key (a hostile directory entry) produces no
     * ciphertext and is refused with our typed exception.
     */
    @ParameterizedTest
    @ValueSource(strings = {
            "0000000000000000000000000000000000000000000000000000000000000000",
            "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
    })
    void sealToASmallOrderRecipientIsRefused(String recipient) throws Exception {
        AgreementPublicKey smallOrder = AgreementPublicKey.of(hex(recipient));
        assertThatThrownBy(() -> Hpke.seal(smallOrder, INFO, AAD, PT)).isInstanceOf(MalformedInputException.class);
    }

    @Test
    void sealedRecordIsImmutable() {
        byte[] enc = ENC.clone();
        byte[] ct = CT.clone();
        HpkeSealed sealed = new HpkeSealed(enc, ct);
        enc[0] ^= 1;
        ct[0] ^= 1;
        sealed.enc()[1] ^= 1;
        sealed.ciphertext()[1] ^= 1;

        assertThat(sealed.enc()).isEqualTo(ENC);
        assertThat(sealed.ciphertext()).isEqualTo(CT);
    }
}
