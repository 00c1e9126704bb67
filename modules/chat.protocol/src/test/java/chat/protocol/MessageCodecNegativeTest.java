package chat.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import chat.protocol.json.Jcs;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The negative catalogue of {@link MessageCodec#decode}: every malformed payload in
 * {@code negative-messages.json} and the exact {@link ErrorCode} and message fragment it
 * gets, then the limit cases, which are too large for a fixture and are built here.
 */
class MessageCodecNegativeTest {

    static final MessageCodec CODEC = new MessageCodec();
    static final JsonValue.JsonObject CATALOGUE = load();

    static JsonValue.JsonObject load() {
        try (InputStream in = MessageCodecNegativeTest.class.getResourceAsStream("negative-messages.json")) {
            return new JsonParser(new JsonLimits(16, 1 << 20, 10_000, 10_000, 1_000_000)).parseObject(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (JsonException e) {
            throw new IllegalStateException(e);
        }
    }

    static ObjectReader catalogue() {
        return ObjectReader.of(CATALOGUE, "negative-messages.json");
    }

    static Stream<Named<String>> bases() throws JsonException {
        return catalogue().object("bases").names().stream().map(n -> Named.of(n, n));
    }

    @ParameterizedTest
    @MethodSource("bases")
    void everyBaseMessageIsValid(String name) throws Exception {
        byte[] canonical = Jcs.canonical(catalogue().object("bases").object(name).raw());
        Message m = CODEC.decode(canonical);
        assertThat(m.type()).isEqualTo(name);
        assertThat(CODEC.encode(m)).isEqualTo(canonical);
    }

    static Stream<Arguments> cases() throws JsonException {
        List<Arguments> out = new ArrayList<>();
        for (JsonValue v : catalogue().array("cases").elements()) {
            ObjectReader c = ObjectReader.of((JsonValue.JsonObject) v, "case");
            out.add(Arguments.of(Named.of(c.string("name"), payload(c)), c.string("code"), c.string("fragment")));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void malformedMessagesGetTheirExactErrorCodeAndMessage(byte[] payload, String code, String fragment) {
        ErrorCode expected = ErrorCode.fromWire(code);
        assertThat(expected).as("error code %s", code).isNotNull();
        assertThatThrownBy(() -> CODEC.decode(payload))
                .isInstanceOf(ProtocolException.class)
                .hasMessageContaining(fragment)
                .satisfies(e -> assertThat(((ProtocolException) e).code()).isEqualTo(expected));
    }

    @Test
    void theCatalogueCoversTheRequiredKinds() throws JsonException {
        List<String> names = new ArrayList<>();
        for (JsonValue v : catalogue().array("cases").elements()) {
            names.add(ObjectReader.of((JsonValue.JsonObject) v, "case").string("name"));
        }
        assertThat(names).hasSizeGreaterThan(100).doesNotHaveDuplicates();
    }

    /** The payload a case describes: literal text, hex bytes, or a base message changed by remove/set/replace. */
    static byte[] payload(ObjectReader c) throws JsonException {
        if (c.has("input")) {
            return c.string("input").getBytes(StandardCharsets.UTF_8);
        }
        if (c.has("inputHex")) {
            return HexFormat.of().parseHex(c.string("inputHex"));
        }
        Map<String, Object> message = mutable(catalogue().object("bases").object(c.string("base")).raw());
        if (c.has("remove")) {
            for (JsonValue path : c.array("remove").elements()) {
                String[] p = ((JsonValue.JsonString) path).value().split("\\.");
                Map<String, Object> parent = parent(message, p);
                assertThat(parent.remove(p[p.length - 1])).as("remove %s", path).isNotNull();
            }
        }
        if (c.has("set")) {
            for (Map.Entry<String, JsonValue> e : c.object("set").raw().fields().entrySet()) {
                String[] p = e.getKey().split("\\.");
                parent(message, p).put(p[p.length - 1], e.getValue() instanceof JsonValue.JsonObject o ? mutable(o)
                        : e.getValue());
            }
        }
        String text = Jcs.canonicalString(immutable(message));
        if (c.has("replace")) {
            List<JsonValue> r = c.array("replace").elements();
            String from = ((JsonValue.JsonString) r.get(0)).value();
            String to = ((JsonValue.JsonString) r.get(1)).value();
            assertThat(text.indexOf(from)).as("'%s' occurs once in %s", from, text)
                    .isNotNegative().isEqualTo(text.lastIndexOf(from));
            text = text.replace(from, to);
        }
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> parent(Map<String, Object> root, String[] path) {
        Map<String, Object> node = root;
        for (int i = 0; i < path.length - 1; i++) {
            node = (Map<String, Object>) node.get(path[i]);
        }
        return node;
    }

    static Map<String, Object> mutable(JsonValue.JsonObject o) {
        Map<String, Object> out = new LinkedHashMap<>();
        o.fields().forEach((k, v) -> out.put(k, v instanceof JsonValue.JsonObject nested ? mutable(nested) : v));
        return out;
    }

    @SuppressWarnings("unchecked")
    static JsonValue.JsonObject immutable(Map<String, Object> m) {
        Map<String, JsonValue> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k, v instanceof Map<?, ?> nested ? immutable((Map<String, Object>) nested)
                : (JsonValue) v));
        return new JsonValue.JsonObject(out);
    }

    // ---------------------------------------------------------------- limits (default ProtocolLimits)

    static void assertLimit(MessageCodec codec, String payload, String fragment) {
        assertThatThrownBy(() -> codec.decode(payload.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(ProtocolException.class)
                .hasMessageContaining(fragment)
                .satisfies(e -> assertThat(((ProtocolException) e).code()).isEqualTo(ErrorCode.LIMIT_EXCEEDED));
    }

    @Test
    void anExpiredRunThatEndsBeforeItStartsOrCoversTheCreationIsABadMessage() {
        String head = "\"" + java.util.Base64.getEncoder().encodeToString(new byte[32]) + "\"";
        for (String bad : List.of(
                "{\"type\":\"expired\",\"channelID\":\"c\",\"fromSeq\":5,\"toSeq\":4,\"head\":" + head + ",\"timestamp\":1}",
                "{\"type\":\"expired\",\"channelID\":\"c\",\"fromSeq\":1,\"toSeq\":4,\"head\":" + head + ",\"timestamp\":1}",
                "{\"type\":\"expired\",\"channelID\":\"c\",\"fromSeq\":2,\"toSeq\":4,\"timestamp\":1}")) {
            assertThatThrownBy(() -> CODEC.decode(bad.getBytes(StandardCharsets.UTF_8))).as(bad)
                    .satisfies(e -> assertThat(((ProtocolException) e).code()).isEqualTo(ErrorCode.BAD_MESSAGE));
        }
    }

    @Test
    void nestingDeeperThanTheLimitIsLimitExceeded() throws Exception {
        int depth = JsonLimits.DEFAULT.maxDepth();
        // depth 8 (the message object plus 7 levels) still parses; it is then refused for its unknown field
        String ok = "{\"type\":\"ping\",\"x\":" + "{\"x\":".repeat(depth - 2) + "{}" + "}".repeat(depth - 2) + "}";
        assertThatThrownBy(() -> CODEC.decode(ok.getBytes(StandardCharsets.UTF_8)))
                .satisfies(e -> assertThat(((ProtocolException) e).code()).isEqualTo(ErrorCode.BAD_MESSAGE));
        String deep = "{\"type\":\"ping\",\"x\":" + "[".repeat(depth) + "]".repeat(depth) + "}";
        assertLimit(CODEC, deep, "nested deeper than 8 levels");
        String veryDeep = "{\"type\":\"ping\",\"x\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}";
        assertLimit(CODEC, veryDeep, "JSON");
    }

    @Test
    void tooManyMembersInOneObjectIsLimitExceeded() {
        StringBuilder s = new StringBuilder("{\"type\":\"sync\",\"cursors\":{");
        for (int i = 0; i <= JsonLimits.DEFAULT.maxObjectFields(); i++) {
            s.append(i == 0 ? "" : ",").append("\"c").append(i).append("\":1");
        }
        assertLimit(CODEC, s.append("}}").toString(), "an object has more than 4096 members");
    }

    @Test
    void tooLongAnArrayIsLimitExceeded() {
        String array = "[" + "0,".repeat(JsonLimits.DEFAULT.maxArrayLength()) + "0]";
        assertLimit(CODEC, "{\"type\":\"ping\",\"x\":" + array + "}", "an array has more than 4096 elements");
    }

    @Test
    void tooManyValuesInOneDocumentIsLimitExceeded() {
        String array = "[" + "0,".repeat(4_000) + "0]";
        String arrays = (array + ",").repeat(17);
        assertLimit(CODEC, "{\"type\":\"ping\",\"x\":[" + arrays + "0]}", "more than 65536 values");
    }

    @Test
    void aStringLongerThanTheLimitIsLimitExceeded() {
        String text = "x".repeat(JsonLimits.DEFAULT.maxStringLength() + 1);
        assertLimit(CODEC, "{\"type\":\"error\",\"code\":\"badFrame\",\"message\":\"" + text + "\"}", "JSON limit exceeded");
        assertLimit(CODEC, "{\"type\":\"ping\",\"" + text + "\":1}", "JSON limit exceeded");
    }

    @Test
    void tighterLimitsAreEnforcedTheSameWay() {
        MessageCodec tight = new MessageCodec(new ProtocolLimits(1024, new JsonLimits(3, 16, 4, 4, 20)));
        assertLimit(tight, "{\"type\":\"ping\",\"x\":[[[]]]}", "nested deeper than 3 levels");
        assertLimit(tight, "{\"type\":\"error\",\"code\":\"badFrame\",\"message\":\"seventeen chars..\"}",
                "JSON limit exceeded");
        assertLimit(tight, "{\"type\":\"ping\",\"a\":1,\"b\":2,\"c\":3,\"d\":4}", "an object has more than 4 members");
        assertLimit(tight, "{\"type\":\"ping\",\"a\":[1,2,3,4,5]}", "an array has more than 4 elements");
        assertLimit(tight, "{\"type\":\"ping\",\"a\":[[1,2,3,4],[1,2,3,4],[1,2,3,4],[1,2,3,4]]}",
                "more than 20 values");
    }

    @Test
    void limitsAreValidatedWhenBuilt() {
        assertThatThrownBy(() -> new JsonLimits(0, 1, 1, 1, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxDepth");
        assertThatThrownBy(() -> new ProtocolLimits(1023, JsonLimits.DEFAULT)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxFrameBytes 1023");
    }
}
