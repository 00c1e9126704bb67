package chat.protocol.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Limits are refused in our words (attack review finding 10): a message a person or a bot's
 * author reads never names the parser's internals.
 */
class JsonParserLimitsTest {

    private static final JsonParser PARSER = new JsonParser(new JsonLimits(4, 100, 32, 32, 1000));

    private static JsonException refused(String json) {
        try {
            PARSER.parseObject(json.getBytes(StandardCharsets.UTF_8));
        } catch (JsonException e) {
            return e;
        }
        throw new AssertionError("accepted: " + json);
    }

    @Test
    void aLongStringIsSaidInPlainWords() {
        JsonException e = refused("{\"a\":\"" + "x".repeat(500) + "\"}");
        assertThat(e.isLimit()).isTrue();
        assertThat(e.getMessage()).containsPattern("a string of [0-9]+ characters is longer than the limit of 100")
                .doesNotContain("StreamReadConstraints").doesNotContain("`");
    }

    @Test
    void deepNestingAndLongNumbersAreSaidInPlainWords() {
        assertThat(refused("{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":{}}}}}}").getMessage())
                .doesNotContain("StreamReadConstraints").doesNotContain("`");
        assertThat(refused("{\"a\":" + "1".repeat(40) + "}").getMessage())
                .doesNotContain("StreamReadConstraints").doesNotContain("`");
    }

    @Test
    void theRewordingKeepsTheNumbers() {
        assertThat(JsonParser.inOurWords("Document nesting depth (6) exceeds the maximum allowed (5, from "
                + "`StreamReadConstraints.getMaxNestingDepth()`)")).isEqualTo("the nesting depth 6 is deeper than the limit of 4");
        assertThat(JsonParser.inOurWords("Something else (from `StreamReadConstraints.x()`)"))
                .doesNotContain("StreamReadConstraints");
        assertThatThrownBy(() -> PARSER.parseObject("[]".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("expected a JSON object");
    }
}
