package chat.crypto;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/** Argon2id version 0x13 (RFC 9106) through BouncyCastle's generator. */
public final class Argon2id {

    private Argon2id() {
    }

    /** Derives {@code length} bytes from a passphrase, encoded as UTF-8 (NFC is the caller's concern). */
    public static byte[] derive(char[] passphrase, byte[] salt, Argon2Params params, int length) {
        byte[] password = utf8(passphrase);
        try {
            return derive(password, salt, null, null, params, length);
        } finally {
            Bytes.wipe(password);
        }
    }

    static byte[] derive(byte[] password, byte[] salt, byte[] secret, byte[] associated,
                         Argon2Params params, int length) {
        Argon2Parameters.Builder builder = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(params.memoryKiB())
                .withIterations(params.iterations())
                .withParallelism(params.parallelism())
                .withSalt(salt);
        if (secret != null) {
            builder.withSecret(secret);
        }
        if (associated != null) {
            builder.withAdditional(associated);
        }
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(builder.build());
        byte[] out = new byte[length];
        generator.generateBytes(password, out);
        return out;
    }

    private static byte[] utf8(char[] chars) {
        ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(chars));
        byte[] out = new byte[encoded.remaining()];
        encoded.get(out);
        if (encoded.hasArray()) {
            java.util.Arrays.fill(encoded.array(), (byte) 0);
        }
        return out;
    }
}
