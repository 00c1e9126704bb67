package chat.protocol.vectors;

import chat.protocol.json.JsonException;
import chat.protocol.json.JsonLimits;
import chat.protocol.json.JsonParser;
import chat.protocol.json.JsonValue;
import chat.protocol.json.ObjectReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Reads the golden vector files under {@code src/test/resources/chat/protocol/vectors/}
 * (written by {@link VectorGenerator}, documented in docs/protocol.md, "Test vectors").
 * Binary values outside protocol messages are lowercase hex; messages and signed forms are
 * given as their exact canonical JSON text.
 */
public final class Vectors {

    /** Fixture files are ours, but parse them with the same strict parser, only with roomier limits. */
    private static final JsonParser PARSER = new JsonParser(new JsonLimits(16, 1 << 22, 10_000, 10_000, 1_000_000));

    private Vectors() {
    }

    public static ObjectReader load(String file) {
        String resource = "/chat/protocol/vectors/" + file;
        try (InputStream in = Vectors.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no test vector file " + resource);
            }
            return ObjectReader.of(PARSER.parseObject(in.readAllBytes()), file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (JsonException e) {
            throw new IllegalStateException(resource + ": " + e.getMessage(), e);
        }
    }

    public static byte[] hex(ObjectReader r, String field) throws JsonException {
        return HexFormat.of().parseHex(r.string(field));
    }

    public static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    public static byte[] utf8(ObjectReader r, String field) throws JsonException {
        return r.string(field).getBytes(StandardCharsets.UTF_8);
    }

    public static List<ObjectReader> objects(ObjectReader r, String field) throws JsonException {
        List<ObjectReader> out = new ArrayList<>();
        int i = 0;
        for (JsonValue v : r.array(field).elements()) {
            if (!(v instanceof JsonValue.JsonObject o)) {
                throw new IllegalStateException(r.context() + "." + field + "[" + i + "] is not an object");
            }
            out.add(ObjectReader.of(o, r.context() + "." + field + "[" + i + "]"));
            i++;
        }
        return out;
    }
}
