package chat.crypto;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Helpers shared by the vector tests: hex decoding, bit flipping, and a reader for the
 * {@code .txt} fixtures under {@code src/test/resources/chat/crypto/}.
 *
 * <p>Fixture format: records separated by blank lines; each record is a list of
 * {@code name = value} lines; a line starting with whitespace continues the value of the
 * previous line (so long hex strings can be wrapped as in the RFCs); lines starting with
 * {@code #} are comments. An empty value ({@code PT =}) is an empty string.
 */
final class Vectors {

    private static final HexFormat HEX = HexFormat.of();

    private Vectors() {
    }

    /** Decodes hex, ignoring any whitespace (so values can be copied in RFC line layout). */
    static byte[] hex(String hex) {
        return HEX.parseHex(hex.replaceAll("\\s+", ""));
    }

    static String hex(byte[] bytes) {
        return HEX.formatHex(bytes);
    }

    /** {@code n} copies of {@code value}. */
    static byte[] repeat(int value, int n) {
        byte[] out = new byte[n];
        Arrays.fill(out, (byte) value);
        return out;
    }

    /** A copy of {@code bytes} with bit {@code bit} (0 = least significant bit of byte 0) flipped. */
    static byte[] flipBit(byte[] bytes, int bit) {
        byte[] out = bytes.clone();
        out[bit / 8] ^= (byte) (1 << (bit % 8));
        return out;
    }

    /** Reads a fixture from {@code src/test/resources/chat/crypto/}. */
    static List<Map<String, String>> records(String fixture) {
        InputStream in = Vectors.class.getResourceAsStream(fixture);
        if (in == null) {
            throw new IllegalArgumentException("no test fixture " + fixture);
        }
        List<Map<String, String>> records = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            Map<String, String> current = new LinkedHashMap<>();
            String lastKey = null;
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.startsWith("#")) {
                    continue;
                }
                if (line.isBlank()) {
                    if (!current.isEmpty()) {
                        records.add(current);
                        current = new LinkedHashMap<>();
                    }
                    lastKey = null;
                    continue;
                }
                if (Character.isWhitespace(line.charAt(0))) {
                    if (lastKey == null) {
                        throw new IllegalStateException(fixture + ": continuation line without a key: " + line);
                    }
                    current.merge(lastKey, line.strip(), String::concat);
                    continue;
                }
                int eq = line.indexOf('=');
                if (eq < 0) {
                    throw new IllegalStateException(fixture + ": not a 'name = value' line: " + line);
                }
                lastKey = line.substring(0, eq).strip();
                if (current.put(lastKey, line.substring(eq + 1).strip()) != null) {
                    throw new IllegalStateException(fixture + ": duplicate " + lastKey + " in one record");
                }
            }
            if (!current.isEmpty()) {
                records.add(current);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return records;
    }
}
