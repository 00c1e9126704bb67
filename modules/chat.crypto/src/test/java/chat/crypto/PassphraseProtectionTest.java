package chat.crypto;

import static chat.crypto.Vectors.flipBit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link PassphraseProtection}: Argon2id + AES-256-GCM. Small Argon2 costs keep the suite
 * fast; the primitives themselves are checked against their standards in
 * {@link Argon2idVectorsTest} and {@link AesGcmVectorsTest}.
 */
class PassphraseProtectionTest {

    static final Argon2Params FAST = new Argon2Params(1024, 1, 1);
    static final char[] PASSPHRASE = "correct horse battery staple".toCharArray();
    static final byte[] SECRET = Vectors.hex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
    static final byte[] AAD = "chat-v1 identity key of alice@example.org".getBytes(StandardCharsets.UTF_8);

    static ProtectedSecret sealed() {
        return PassphraseProtection.seal(PASSPHRASE, SECRET, AAD, FAST);
    }

    @Test
    void rightPassphraseOpens() throws Exception {
        ProtectedSecret sealed = sealed();

        assertThat(PassphraseProtection.open(PASSPHRASE, sealed, AAD)).isEqualTo(SECRET);
        assertThat(sealed.params()).isEqualTo(FAST);
        assertThat(sealed.salt()).hasSize(PassphraseProtection.SALT_LENGTH);
        assertThat(sealed.nonce()).hasSize(AesGcm.NONCE_LENGTH);
        assertThat(sealed.ciphertext()).hasSize(SECRET.length + AesGcm.TAG_LENGTH);
    }

    /** The documented construction: key = Argon2id(passphrase as UTF-8, salt, params, 32); AES-256-GCM(key, nonce, aad). */
    @Test
    void constructionIsArgon2idThenAesGcm() throws Exception {
        ProtectedSecret sealed = sealed();
        byte[] key = Argon2id.derive(PASSPHRASE, sealed.salt(), sealed.params(), AesGcm.KEY_LENGTH);

        assertThat(AesGcm.of(key).open(sealed.nonce(), AAD, sealed.ciphertext())).isEqualTo(SECRET);
    }

    @Test
    void everySealHasItsOwnSaltAndNonce() {
        ProtectedSecret a = sealed();
        ProtectedSecret b = sealed();

        assertThat(a.salt()).isNotEqualTo(b.salt());
        assertThat(a.nonce()).isNotEqualTo(b.nonce());
        assertThat(a.ciphertext()).isNotEqualTo(b.ciphertext());
    }

    @Test
    void unicodePassphraseAndEmptySecretRoundTrip() throws Exception {
        char[] passphrase = "pässwörd ✓ 🔑".toCharArray();
        ProtectedSecret sealed = PassphraseProtection.seal(passphrase, new byte[0], AAD, FAST);

        assertThat(PassphraseProtection.open(passphrase, sealed, AAD)).isEmpty();
        assertThatThrownBy(() -> PassphraseProtection.open("passwörd ✓ 🔑".toCharArray(), sealed, AAD))
                .isInstanceOf(AuthenticationFailedException.class);
    }

    @Test
    void wrongPassphraseFailsAuthentication() {
        ProtectedSecret sealed = sealed();

        assertThatThrownBy(() -> PassphraseProtection.open("correct horse battery stapler".toCharArray(), sealed, AAD))
                .isInstanceOf(AuthenticationFailedException.class)
                .hasMessageContaining("wrong passphrase");
        assertThatThrownBy(() -> PassphraseProtection.open(new char[0], sealed, AAD))
                .isInstanceOf(AuthenticationFailedException.class);
    }

    @Test
    void differentAadFailsAuthentication() {
        ProtectedSecret sealed = sealed();
        byte[] otherOwner = "chat-v1 identity key of mallory@example.org".getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> PassphraseProtection.open(PASSPHRASE, sealed, otherOwner))
                .isInstanceOf(AuthenticationFailedException.class);
        assertThatThrownBy(() -> PassphraseProtection.open(PASSPHRASE, sealed, new byte[0]))
                .isInstanceOf(AuthenticationFailedException.class);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 7, 64, 127})
    void flippedSaltBitFailsAuthentication(int bit) {
        ProtectedSecret s = sealed();
        ProtectedSecret altered = new ProtectedSecret(s.params(), flipBit(s.salt(), bit), s.nonce(), s.ciphertext());

        assertThatThrownBy(() -> PassphraseProtection.open(PASSPHRASE, altered, AAD))
                .isInstanceOf(AuthenticationFailedException.class);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 7, 50, 95})
    void flippedNonceBitFailsAuthentication(int bit) {
        ProtectedSecret s = sealed();
        ProtectedSecret altered = new ProtectedSecret(s.params(), s.salt(), flipBit(s.nonce(), bit), s.ciphertext());

        assertThatThrownBy(() -> PassphraseProtection.open(PASSPHRASE, altered, AAD))
                .isInstanceOf(AuthenticationFailedException.class);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 255, 256, 383})
    void flippedCiphertextOrTagBitFailsAuthentication(int bit) {
        ProtectedSecret s = sealed();
        ProtectedSecret altered = new ProtectedSecret(s.params(), s.salt(), s.nonce(), flipBit(s.ciphertext(), bit));

        assertThatThrownBy(() -> PassphraseProtection.open(PASSPHRASE, altered, AAD))
                .isInstanceOf(AuthenticationFailedException.class);
    }

    /** The cost parameters are stored in the file and are inputs to Argon2id: changing them changes the key. */
    @Test
    void alteredParamsFailAuthentication() {
        ProtectedSecret s = sealed();
        for (Argon2Params other : new Argon2Params[] {
                new Argon2Params(2048, 1, 1), new Argon2Params(1024, 2, 1), new Argon2Params(1024, 1, 2)}) {
            ProtectedSecret altered = new ProtectedSecret(other, s.salt(), s.nonce(), s.ciphertext());
            assertThatThrownBy(() -> PassphraseProtection.open(PASSPHRASE, altered, AAD))
                    .as("%s", other).isInstanceOf(AuthenticationFailedException.class);
        }
    }

    @Test
    void truncatedFieldsAreMalformed() {
        ProtectedSecret s = sealed();
        ProtectedSecret shortSalt = new ProtectedSecret(s.params(), Arrays.copyOf(s.salt(), 7), s.nonce(), s.ciphertext());
        ProtectedSecret shortNonce = new ProtectedSecret(s.params(), s.salt(), Arrays.copyOf(s.nonce(), 11), s.ciphertext());
        ProtectedSecret shortCiphertext = new ProtectedSecret(s.params(), s.salt(), s.nonce(), Arrays.copyOf(s.ciphertext(), 15));

        assertThatThrownBy(() -> PassphraseProtection.open(PASSPHRASE, shortSalt, AAD)).isInstanceOf(MalformedInputException.class);
        assertThatThrownBy(() -> PassphraseProtection.open(PASSPHRASE, shortNonce, AAD)).isInstanceOf(MalformedInputException.class);
        assertThatThrownBy(() -> PassphraseProtection.open(PASSPHRASE, shortCiphertext, AAD)).isInstanceOf(MalformedInputException.class);
    }

    @Test
    void truncatedCiphertextOfAtLeastATagFailsAuthentication() {
        ProtectedSecret s = sealed();
        ProtectedSecret truncated = new ProtectedSecret(s.params(), s.salt(), s.nonce(),
                Arrays.copyOf(s.ciphertext(), s.ciphertext().length - 1));

        assertThatThrownBy(() -> PassphraseProtection.open(PASSPHRASE, truncated, AAD))
                .isInstanceOf(AuthenticationFailedException.class);
    }

    // ---- Argon2Params bounds: values come from files, so out-of-range ones are refused ----

    @ParameterizedTest(name = "m={0} t={1} p={2}")
    @CsvSource({
            "1024, 1,  0",
            "1024, 1,  17",
            "1024, 1,  -1",
            "1024, 0,  1",
            "1024, 65, 1",
            "1024, -3, 1",
            "7,    1,  1",
            "31,   1,  4",
            "0,    1,  1",
            "-1,   1,  1",
            "4194305, 1, 1",
            "2147483647, 1, 1",
    })
    void outOfRangeParamsAreRejected(int memoryKiB, int iterations, int parallelism) {
        assertThatThrownBy(() -> new Argon2Params(memoryKiB, iterations, parallelism))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest(name = "m={0} t={1} p={2}")
    @CsvSource({
            "8,       1,  1",
            "32,      3,  4",
            "128,     64, 16",
            "4194304, 1,  1",
    })
    void boundaryParamsAreAccepted(int memoryKiB, int iterations, int parallelism) {
        Argon2Params params = new Argon2Params(memoryKiB, iterations, parallelism);
        assertThat(params.memoryKiB()).isEqualTo(memoryKiB);
        assertThat(params.iterations()).isEqualTo(iterations);
        assertThat(params.parallelism()).isEqualTo(parallelism);
    }

    @Test
    void protectedSecretIsImmutable() {
        byte[] salt = new byte[16];
        byte[] nonce = new byte[12];
        byte[] ct = new byte[20];
        ProtectedSecret s = new ProtectedSecret(FAST, salt, nonce, ct);
        salt[0] = 1;
        nonce[0] = 1;
        ct[0] = 1;
        s.salt()[1] = 1;
        s.nonce()[1] = 1;
        s.ciphertext()[1] = 1;

        assertThat(s.salt()).containsOnly(0);
        assertThat(s.nonce()).containsOnly(0);
        assertThat(s.ciphertext()).containsOnly(0);
    }
}
