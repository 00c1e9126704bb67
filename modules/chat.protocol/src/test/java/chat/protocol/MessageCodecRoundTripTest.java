package chat.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import chat.protocol.json.Jcs;
import chat.protocol.json.JsonParser;
import chat.protocol.json.JsonValue;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Property tests of {@link MessageCodec}: for thousands of random valid messages of every
 * type (seeded, so a failure names the seed that reproduces it), decoding the encoding
 * gives a message with the same content that encodes to the very same bytes, and those
 * bytes are already RFC 8785 canonical.
 */
class MessageCodecRoundTripTest {

    static final MessageCodec CODEC = new MessageCodec();
    static final int CASES = 5_000;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 20260101})
    void decodeOfEncodeReencodesToIdenticalCanonicalBytes(long seed) throws Exception {
        RandomMessages random = new RandomMessages(seed);
        Set<String> types = new HashSet<>();
        for (int i = 0; i < CASES; i++) {
            Message m = random.any();
            types.add(m.type());
            byte[] bytes = CODEC.encode(m);

            Message decoded = CODEC.decode(bytes);
            assertThat(decoded.getClass()).as("seed %d case %d", seed, i).isEqualTo(m.getClass());
            assertThat(MessageCodec.toJson(decoded)).as("seed %d case %d", seed, i).isEqualTo(MessageCodec.toJson(m));
            assertThat(CODEC.encode(decoded)).as("seed %d case %d: %s", seed, i, utf8(bytes)).isEqualTo(bytes);
            assertThat(Jcs.canonical(JsonParser.withDefaults().parseObject(bytes)))
                    .as("seed %d case %d: encoding is canonical", seed, i).isEqualTo(bytes);
        }
        assertThat(types).hasSize(17);
    }

    @Test
    void memberOrderAndWhitespaceOfTheInputDoNotChangeTheDecodedMessage() throws Exception {
        RandomMessages random = new RandomMessages(7);
        Random shuffle = new Random(7);
        for (int i = 0; i < 500; i++) {
            Message m = random.any();
            byte[] canonical = CODEC.encode(m);
            String reordered = reorder(MessageCodec.toJson(m), shuffle);
            Message decoded = CODEC.decode(reordered.getBytes(StandardCharsets.UTF_8));
            assertThat(CODEC.encode(decoded)).as(reordered).isEqualTo(canonical);
        }
    }

    /** The object with its members in random order and random whitespace, still valid JSON. */
    static String reorder(JsonValue value, Random random) {
        String ws = List.of("", " ", "\n", "\t ").get(random.nextInt(4));
        return switch (value) {
            case JsonValue.JsonObject o -> {
                List<Map.Entry<String, JsonValue>> members = new ArrayList<>(o.fields().entrySet());
                Collections.shuffle(members, random);
                StringBuilder s = new StringBuilder("{").append(ws);
                for (int i = 0; i < members.size(); i++) {
                    if (i > 0) {
                        s.append(',').append(ws);
                    }
                    s.append(Jcs.canonicalString(JsonValue.of(members.get(i).getKey()))).append(ws).append(':')
                            .append(ws).append(reorder(members.get(i).getValue(), random));
                }
                yield s.append(ws).append('}').toString();
            }
            default -> Jcs.canonicalString(value);
        };
    }

    @Test
    void everyErrorCodeRoundTripsByItsWireName() throws Exception {
        Set<String> wireNames = new HashSet<>();
        for (ErrorCode code : EnumSet.allOf(ErrorCode.class)) {
            assertThat(ErrorCode.fromWire(code.wireName())).isEqualTo(code);
            assertThat(wireNames.add(code.wireName())).isTrue();
            ErrorMessage m = ErrorMessage.of(code, "x");
            assertThat(((ErrorMessage) CODEC.decode(CODEC.encode(m))).code()).isEqualTo(code);
        }
        assertThat(ErrorCode.fromWire("BAD_FRAME")).isNull();
    }

    @Test
    void optionalFieldsAreLeftOutWhenAbsentAndStampsComeInPairs() {
        RandomMessages random = new RandomMessages(5);
        Comms unstamped = random.comms().withStamp(null);
        assertThat(utf8(CODEC.encode(unstamped))).doesNotContain("channelSeq").doesNotContain("timestamp");
        Comms stamped = unstamped.withStamp(new Stamp(1, 0));
        assertThat(utf8(CODEC.encode(stamped))).contains("\"channelSeq\":1").contains("\"timestamp\":0");
        assertThat(utf8(CODEC.encode(ErrorMessage.of(ErrorCode.BAD_VIEW, "m"))))
                .isEqualTo("{\"code\":\"badView\",\"message\":\"m\",\"type\":\"error\"}");
    }

    @Test
    void aSignedDirectoryLogSurvivesTheWireByteForByte() throws Exception {
        chat.protocol.identity.IdentityKeys admin = chat.protocol.identity.IdentityKeys.generate("admin");
        chat.protocol.identity.IdentityKeys alice = chat.protocol.identity.IdentityKeys.generate("alice");
        chat.protocol.identity.DirectoryLog log = chat.protocol.identity.DirectoryLog.genesis(admin,
                chat.protocol.identity.IdentityKeys.generate("server").principal(), Map.of("alice", alice.principal()), 5)
                .sign(admin, Map.of("bob", chat.protocol.identity.IdentityKeys.generate("bob").principal()), Set.of(), 6)
                .sign(admin, Map.of(), Set.of("alice"), 7);
        DirectoryUpdate decoded = (DirectoryUpdate) CODEC.decode(CODEC.encode(new DirectoryUpdate(log.versions())));
        chat.protocol.identity.DirectoryLog received = chat.protocol.identity.DirectoryLog.of(decoded.versions());
        assertThat(received.head()).isEqualTo(log.head());
        assertThat(log.reconcile(decoded.versions()).problems()).isEmpty();
        assertThat(((DirectoryGet) CODEC.decode(CODEC.encode(new DirectoryGet(3)))).number()).isEqualTo(3);
        assertThat(utf8(CODEC.encode(new DirectoryGet(0)))).isEqualTo("{\"number\":0,\"type\":\"directoryGet\"}");
    }

    @Test
    void presenceAndItsWatchHaveTheirExactBytesAndRefuseStrangers() throws Exception {
        assertThat(utf8(CODEC.encode(new PresenceWatch()))).isEqualTo("{\"type\":\"presenceWatch\"}");
        assertThat(utf8(CODEC.encode(new Presence("bob", true)))).isEqualTo("{\"online\":true,\"type\":\"presence\",\"user\":\"bob\"}");
        assertThat(CODEC.decode("{\"online\":false,\"type\":\"presence\",\"user\":\"bob\"}".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(new Presence("bob", false));
        for (String bad : List.of("{\"type\":\"presence\",\"user\":\"bob\"}",
                "{\"online\":\"yes\",\"type\":\"presence\",\"user\":\"bob\"}",
                "{\"online\":true,\"type\":\"presence\",\"user\":\"b b\"}",
                "{\"online\":true,\"type\":\"presence\",\"user\":\"bob\",\"channelID\":\"x\"}",
                "{\"type\":\"presenceWatch\",\"user\":\"bob\"}")) {
            assertThatThrownBy(() -> CODEC.decode(bad.getBytes(StandardCharsets.UTF_8)))
                    .as(bad).isInstanceOf(ProtocolException.class)
                    .extracting(e -> ((ProtocolException) e).code()).isEqualTo(ErrorCode.BAD_MESSAGE);
        }
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
