package chat.storage.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Where each file of a data directory lives. See docs/storage.md for the whole layout.
 *
 * <p>Index files are named by the hex of the channel's UTF-8 name, which is readable and
 * safe on every file system. A 64-char name can take 192 UTF-8 bytes, though, and 384 hex
 * digits exceed the 255-byte file-name limit, so a name longer than
 * {@value #MAX_HEX_NAME_BYTES} bytes is named {@code h} + SHA-256 of the name instead.
 * The {@code h} keeps the two forms apart ({@code h} is not a hex digit).
 */
public record StoreLayout(Path root) {

    static final String SEGMENT_SUFFIX = ".seg";
    static final String INDEX_SUFFIX = ".idx";
    private static final int MAX_HEX_NAME_BYTES = 100;

    public Path lockFile() {
        return root.resolve("LOCK");
    }

    public Path formatFile() {
        return root.resolve("FORMAT");
    }

    public Path journalDir() {
        return root.resolve("journal");
    }

    public Path indexDir() {
        return root.resolve("index");
    }

    public Path checkpointFile() {
        return root.resolve("checkpoint");
    }

    Path checkpointTempFile() {
        return root.resolve("checkpoint.tmp");
    }

    public Path segment(int number) {
        return journalDir().resolve(String.format("%08d", number) + SEGMENT_SUFFIX);
    }

    public Path index(String channel) {
        return indexDir().resolve(indexFileName(channel));
    }

    static String indexFileName(String channel) {
        byte[] utf8 = channel.getBytes(StandardCharsets.UTF_8);
        if (utf8.length <= MAX_HEX_NAME_BYTES) {
            return HexFormat.of().formatHex(utf8) + INDEX_SUFFIX;
        }
        try {
            return "h" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(utf8)) + INDEX_SUFFIX;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** Segment numbers present in the journal directory, ascending; other files are ignored. */
    List<Integer> segmentNumbers() throws IOException {
        List<Integer> numbers = new ArrayList<>();
        if (!Files.isDirectory(journalDir())) {
            return numbers;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(journalDir(), "*" + SEGMENT_SUFFIX)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                String digits = name.substring(0, name.length() - SEGMENT_SUFFIX.length());
                if (digits.length() == 8 && digits.chars().allMatch(Character::isDigit)) {
                    numbers.add(Integer.parseInt(digits));
                }
            }
        }
        numbers.sort(null);
        return numbers;
    }

    /** The index files present, whatever channel they belong to. */
    List<Path> indexFiles() throws IOException {
        List<Path> paths = new ArrayList<>();
        if (!Files.isDirectory(indexDir())) {
            return paths;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(indexDir(), "*" + INDEX_SUFFIX)) {
            files.forEach(paths::add);
        }
        return paths;
    }

    /** A path relative to the data directory, for messages ("journal/00000003.seg"). */
    String describe(Path path) {
        return path.startsWith(root) ? root.relativize(path).toString() : path.toString();
    }
}
