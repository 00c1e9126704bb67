package chat.protocol.identity;

import chat.protocol.json.Jcs;
import chat.protocol.json.JsonException;
import chat.protocol.json.JsonLimits;
import chat.protocol.json.JsonParser;
import chat.protocol.json.JsonValue;
import chat.protocol.json.ObjectReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/** Reading and writing the small JSON files of a bundle, with the errors a user can act on. */
final class JsonFiles {

    /** Identity files are small; a directory of thousands of users still fits. */
    private static final long MAX_FILE_BYTES = 16L << 20;
    private static final JsonParser PARSER = new JsonParser(new JsonLimits(8, 1 << 16, 100_000, 100_000, 1_000_000));

    private JsonFiles() {
    }

    static ObjectReader read(Path file, String format) throws IdentityFileException {
        return read(file, format, 1, null);
    }

    /**
     * Reads a file of the given format and version. {@code olderAdvice}, when not null, is
     * the sentence given for a file of an older version (what to run to upgrade it).
     */
    static ObjectReader read(Path file, String format, int expectedVersion, String olderAdvice) throws IdentityFileException {
        byte[] bytes;
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw new IdentityFileException(IdentityFileException.Reason.MALFORMED, file,
                        "file is larger than " + MAX_FILE_BYTES + " bytes");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new IdentityFileException(IdentityFileException.Reason.MISSING, file, "no such file");
        } catch (AccessDeniedException e) {
            throw new IdentityFileException(IdentityFileException.Reason.UNREADABLE, file, "permission denied");
        } catch (IOException e) {
            throw new IdentityFileException(IdentityFileException.Reason.UNREADABLE, file, e.toString());
        }
        try {
            ObjectReader reader = ObjectReader.of(PARSER.parseObject(bytes), file.getFileName().toString());
            String actual = reader.string("format");
            if (!actual.equals(format)) {
                throw new IdentityFileException(IdentityFileException.Reason.MALFORMED, file,
                        "expected a '" + format + "' file, found '" + actual + "'");
            }
            long version = reader.integer("version");
            if (version < expectedVersion && olderAdvice != null) {
                throw new IdentityFileException(IdentityFileException.Reason.OUTDATED, file, olderAdvice);
            }
            if (version != expectedVersion) {
                throw new IdentityFileException(IdentityFileException.Reason.MALFORMED, file,
                        "unsupported " + format + " version " + version + " (this build reads version " + expectedVersion + ")");
            }
            return reader;
        } catch (JsonException e) {
            throw malformed(file, e);
        }
    }

    static IdentityFileException malformed(Path file, Exception e) {
        return new IdentityFileException(IdentityFileException.Reason.MALFORMED, file, e.getMessage());
    }

    /**
     * Writes a new file (it must not exist) with the given permissions, fsynced. Public files
     * get 0644, private ones 0600, set at creation so a private key is never readable by
     * others, not even for an instant.
     */
    static void create(Path file, JsonValue.JsonObject content, boolean secret) throws IOException {
        byte[] bytes = pretty(content);
        Set<java.nio.file.attribute.PosixFilePermission> perms =
                PosixFilePermissions.fromString(secret ? "rw-------" : "rw-r--r--");
        try (FileChannel ch = FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(perms))) {
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        } catch (FileAlreadyExistsException e) {
            throw new IOException(file + " already exists", e);
        }
        Files.setPosixFilePermissions(file, perms); // the umask may have narrowed them
    }

    /**
     * Replaces a file atomically: the new content goes to a temporary file in the same
     * folder, fsynced, then renamed over the old one, and the folder is fsynced. A crash
     * leaves the old file or the new one, never a mix.
     */
    static void replace(Path file, JsonValue.JsonObject content, boolean secret) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Path temp = dir.resolve("." + file.getFileName() + ".new-" + ProcessHandle.current().pid());
        Files.deleteIfExists(temp);
        try {
            create(temp, content, secret);
            Files.move(temp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException ignored) {
            // some file systems cannot fsync a folder; the rename itself is atomic
        }
    }

    /** Canonical JSON with one member per line: stable, diffable, still valid RFC 8785 order. */
    private static byte[] pretty(JsonValue.JsonObject content) {
        String canonical = Jcs.canonicalString(content);
        StringBuilder out = new StringBuilder(canonical.length() + 64);
        int depth = 0;
        boolean inString = false;
        for (int i = 0; i < canonical.length(); i++) {
            char c = canonical.charAt(i);
            if (inString) {
                out.append(c);
                if (c == '\\') {
                    out.append(canonical.charAt(++i));
                } else if (c == '"') {
                    inString = false;
                }
                continue;
            }
            switch (c) {
                case '"' -> {
                    inString = true;
                    out.append(c);
                }
                case '{', '[' -> {
                    depth++;
                    out.append(c).append('\n').append("  ".repeat(depth));
                }
                case '}', ']' -> {
                    depth--;
                    out.append('\n').append("  ".repeat(depth)).append(c);
                }
                case ',' -> out.append(",\n").append("  ".repeat(depth));
                case ':' -> out.append(": ");
                default -> out.append(c);
            }
        }
        out.append('\n');
        return out.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
