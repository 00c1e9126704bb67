package chat.protocol.identity;

import chat.crypto.MalformedInputException;
import chat.protocol.json.JsonException;
import chat.protocol.json.ObjectBuilder;
import chat.protocol.json.ObjectReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;

/**
 * The server's private keys ({@code server.key}), unencrypted so the server can start
 * unattended, and protected by file permissions (0600) instead. The server key only
 * authenticates the server; it opens no channel and no message.
 */
public final class ServerKeyFile {

    public static final String FILE_NAME = "server.key";
    static final String FORMAT = "chat-server-key";

    private ServerKeyFile() {
    }

    public static void write(IdentityKeys keys, Path file) throws IOException {
        byte[] secret = keys.secretBytes();
        try {
            JsonFiles.create(file, ObjectBuilder.create()
                    .put("format", FORMAT)
                    .put("version", 1)
                    .put("name", keys.name())
                    .put("secretKey", secret)
                    .build(), true);
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }

    public static IdentityKeys load(Path file) throws IdentityFileException {
        ObjectReader root = JsonFiles.read(file, FORMAT);
        byte[] secret = null;
        try {
            root.only(Set.of("format", "version", "name", "secretKey"));
            secret = root.bytes("secretKey", IdentityKeys.SECRET_LENGTH);
            return IdentityKeys.fromSecret(root.string("name"), secret);
        } catch (JsonException | MalformedInputException e) {
            throw JsonFiles.malformed(file, e);
        } finally {
            if (secret != null) {
                Arrays.fill(secret, (byte) 0);
            }
        }
    }
}
