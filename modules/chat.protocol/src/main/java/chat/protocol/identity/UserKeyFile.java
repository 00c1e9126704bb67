package chat.protocol.identity;

import chat.crypto.Argon2Params;
import chat.crypto.AuthenticationFailedException;
import chat.crypto.CryptoException;
import chat.crypto.PassphraseProtection;
import chat.crypto.ProtectedSecret;
import chat.protocol.Names;
import chat.protocol.json.JsonException;
import chat.protocol.json.ObjectBuilder;
import chat.protocol.json.ObjectReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;

/**
 * A user's private keys sealed under their password ({@code identity.key}): Argon2id
 * stretches the password, AES-256-GCM seals the 64 secret bytes. The file's header (format,
 * user, KDF parameters) is the associated data, so a file cannot be re-labelled for
 * another user or have its cost lowered without the password check failing.
 */
public record UserKeyFile(String format, String user, ProtectedSecret sealed) {

    public static final String FILE_NAME = "identity.key";
    static final String FORMAT = "chat-user-key";
    /** The admin's key file ({@code KEYS/admin/admin.key}): the same sealing, its own format, name "admin". */
    public static final String ADMIN_FILE_NAME = "admin.key";
    static final String ADMIN_FORMAT = "chat-admin-key";
    public static final String ADMIN_NAME = "admin";

    public static UserKeyFile seal(IdentityKeys keys, char[] password, Argon2Params params) {
        return seal(FORMAT, keys, password, params);
    }

    /** Seals the admin's keys (generated with the name "admin"). */
    public static UserKeyFile sealAdmin(IdentityKeys keys, char[] password, Argon2Params params) {
        return seal(ADMIN_FORMAT, keys, password, params);
    }

    private static UserKeyFile seal(String format, IdentityKeys keys, char[] password, Argon2Params params) {
        byte[] secret = keys.secretBytes();
        try {
            return new UserKeyFile(format, keys.name(),
                    PassphraseProtection.seal(password, secret, header(format, keys.name(), params).canonical(), params));
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }

    /** The same keys under a new password (and fresh salt and nonce): what {@code chat passwd} writes. */
    public UserKeyFile reseal(IdentityKeys keys, char[] newPassword) {
        return seal(format, keys, newPassword, sealed.params());
    }

    public boolean isAdmin() {
        return ADMIN_FORMAT.equals(format);
    }

    public IdentityKeys unlock(char[] password, Path file) throws IdentityFileException {
        byte[] secret = null;
        try {
            secret = PassphraseProtection.open(password, sealed, header(format, user, sealed.params()).canonical());
            return IdentityKeys.fromSecret(user, secret);
        } catch (AuthenticationFailedException e) {
            throw new IdentityFileException(IdentityFileException.Reason.WRONG_PASSWORD, file,
                    isAdmin() ? "wrong password for the admin key" : "wrong password for user '" + user + "'");
        } catch (CryptoException e) {
            throw JsonFiles.malformed(file, e);
        } finally {
            if (secret != null) {
                Arrays.fill(secret, (byte) 0);
            }
        }
    }

    private static ObjectBuilder header(String format, String user, Argon2Params params) {
        return ObjectBuilder.create()
                .put("format", format)
                .put("version", 1)
                .put("user", user)
                .put("kdf", kdf(params));
    }

    private static ObjectBuilder kdf(Argon2Params params) {
        return ObjectBuilder.create()
                .put("algorithm", "argon2id")
                .put("argon2Version", 0x13)
                .put("memoryKiB", params.memoryKiB())
                .put("iterations", params.iterations())
                .put("parallelism", params.parallelism());
    }

    public static UserKeyFile load(Path file) throws IdentityFileException {
        return load(file, FORMAT);
    }

    public static UserKeyFile loadAdmin(Path file) throws IdentityFileException {
        return load(file, ADMIN_FORMAT);
    }

    private static UserKeyFile load(Path file, String format) throws IdentityFileException {
        ObjectReader root = JsonFiles.read(file, format);
        try {
            root.only(Set.of("format", "version", "user", "kdf", "salt", "cipher", "nonce", "ciphertext"));
            String user = root.string("user");
            if (!Names.isValidUser(user)) {
                throw new JsonException(Names.userProblem(user), false);
            }
            ObjectReader kdf = root.object("kdf").only(Set.of("algorithm", "argon2Version", "memoryKiB",
                    "iterations", "parallelism"));
            if (!kdf.string("algorithm").equals("argon2id") || kdf.integer("argon2Version") != 0x13) {
                throw new JsonException("unsupported key derivation " + kdf.string("algorithm"), false);
            }
            if (!root.string("cipher").equals("aes-256-gcm")) {
                throw new JsonException("unsupported cipher " + root.string("cipher"), false);
            }
            Argon2Params params;
            try {
                params = new Argon2Params((int) kdf.integer("memoryKiB", 1, Integer.MAX_VALUE),
                        (int) kdf.integer("iterations", 1, Integer.MAX_VALUE),
                        (int) kdf.integer("parallelism", 1, Integer.MAX_VALUE));
            } catch (IllegalArgumentException e) {
                throw new JsonException(e.getMessage(), false);
            }
            return new UserKeyFile(format, user, new ProtectedSecret(params, root.bytes("salt"),
                    root.bytes("nonce", 12), root.bytes("ciphertext")));
        } catch (JsonException e) {
            throw JsonFiles.malformed(file, e);
        }
    }

    public void write(Path file) throws IOException {
        JsonFiles.create(file, toJson(), true);
    }

    /** Replaces the file atomically: an interruption leaves the old file, which still opens with the old password. */
    public void replace(Path file) throws IOException {
        JsonFiles.replace(file, toJson(), true);
    }

    private chat.protocol.json.JsonValue.JsonObject toJson() {
        return ObjectBuilder.create()
                .put("format", format)
                .put("version", 1)
                .put("user", user)
                .put("kdf", kdf(sealed.params()))
                .put("salt", sealed.salt())
                .put("cipher", "aes-256-gcm")
                .put("nonce", sealed.nonce())
                .put("ciphertext", sealed.ciphertext())
                .build();
    }
}
