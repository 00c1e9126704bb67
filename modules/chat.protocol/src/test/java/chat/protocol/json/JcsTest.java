package chat.protocol.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link Jcs} against RFC 8785 (JSON Canonicalization Scheme): the RFC's own examples that
 * fit our value subset (objects, arrays, strings, integers, literals; no fractions), and the
 * reference implementation's test data (github.com/cyberphone/json-canonicalization,
 * testdata/input and testdata/output, which RFC 8785 names in its implementation list).
 * Escapes in the Java strings below are doubled where the JSON text itself holds a
 * backslash escape.
 */
class JcsTest {

    static String canonical(String json) throws JsonException {
        return new String(Jcs.canonicalize(json.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
    }

    // ---------------------------------------------------------------- RFC 8785 examples

    /** RFC 8785 section 3.2.3, "Sorting of Object Properties": the RFC's input and the order it gives. */
    @Test
    void rfc8785Section323SortsNamesByUtf16CodeUnits() throws Exception {
        String input = """
                {
                  "\\u20ac": "Euro Sign",
                  "\\r": "Carriage Return",
                  "\\ufb33": "Hebrew Letter Dalet With Dagesh",
                  "1": "One",
                  "\\ud83d\\ude00": "Emoji: Grinning Face",
                  "\\u0080": "Control",
                  "\\u00f6": "Latin Small Letter O With Diaeresis"
                }
                """;
        assertThat(canonical(input)).isEqualTo("{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u0080\":\"Control\","
                + "\"\u00f6\":\"Latin Small Letter O With Diaeresis\",\"\u20ac\":\"Euro Sign\","
                + "\"\ud83d\ude00\":\"Emoji: Grinning Face\",\"\ufb33\":\"Hebrew Letter Dalet With Dagesh\"}");
    }

    /**
     * RFC 8785 section 3.2.2's sample document, minus its "numbers" member: we carry integers
     * only, so the fractions and exponents there are refused rather than canonicalised.
     */
    @Test
    void rfc8785Section322StringsAndLiterals() throws Exception {
        String input = "{\n  \"string\": \"\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\\"\\/\",\n"
                + "  \"literals\": [null, true, false]\n}";
        assertThat(canonical(input))
                .isEqualTo("{\"literals\":[null,true,false],\"string\":\"\u20ac$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}");
    }

    @Test
    void rfc8785Section322NumbersOutsideOurIntegerSubsetAreRefused() {
        String input = "{\"numbers\": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001]}";
        assertThatThrownBy(() -> canonical(input)).isInstanceOf(JsonException.class)
                .hasMessageContaining("only integers are allowed");
    }

    /** RFC 8785 section 3.2.4, "UTF-8 Generation": no Unicode normalisation, and these exact bytes. */
    @Test
    void rfc8785Section324EmitsUtf8WithoutNormalising() throws Exception {
        byte[] bytes = Jcs.canonicalize("{\"Unnormalized Unicode\":\"A\\u030a\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(HexFormat.of().formatHex(bytes)).isEqualTo(
                "7b22556e6e6f726d616c697a656420556e69636f6465223a2241cc8a227d");
    }

    // ---------------------------------------------------------------- reference implementation test data

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            # file        | input                                                                          | canonical output
            structures    | {"1": {"f": {"f": "hi","F": 5} ,"\\n": 56},"10": { },"": "empty","a": { },"111": [ { } ],"A": { }} | {"":"empty","1":{"\\n":56,"f":{"F":5,"f":"hi"}},"10":{},"111":[{}],"A":{},"a":{}}
            arrays        | {"arrays": [56, {"d": true, "10": null, "1": [ ]}]}                            | {"arrays":[56,{"1":[],"10":null,"d":true}]}
            french        | {"peach": "This sorting order", "p\\u00e9ch\\u00e9": "is wrong according to French", "p\\u00eache": "but canonicalization MUST", "sin": "ingnore locale"} | {"peach":"This sorting order","p\u00e9ch\u00e9":"is wrong according to French","p\u00eache":"but canonicalization MUST","sin":"ingnore locale"}
            weird         | {"\\u20ac": "Euro Sign", "1": "One", "\\u0080": "Control\\u007f", "\\ud83d\\ude02": "Smiley", "\\u00f6": "Latin Small Letter O With Diaeresis", "\\ufb33": "Hebrew Letter Dalet With Dagesh", "</script>": "Browser Challenge"} | {"1":"One","</script>":"Browser Challenge","\u0080":"Control\u007f","\u00f6":"Latin Small Letter O With Diaeresis","\u20ac":"Euro Sign","\ud83d\ude02":"Smiley","\ufb33":"Hebrew Letter Dalet With Dagesh"}
            """)
    void referenceImplementationTestData(String file, String input, String expected) throws Exception {
        // structures.json has 56.0 where we write 56 (no fractions); arrays.json is wrapped in an object.
        assertThat(canonical(input)).isEqualTo(expected);
    }

    // ---------------------------------------------------------------- the rules one by one

    @Test
    void controlCharactersUseShortEscapesOrLowercaseU00xx() {
        StringBuilder all = new StringBuilder();
        for (char c = 0; c < 0x20; c++) {
            all.append(c);
        }
        String expected = "\"\\u0000\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007\\b\\t\\n\\u000b\\f\\r\\u000e\\u000f"
                + "\\u0010\\u0011\\u0012\\u0013\\u0014\\u0015\\u0016\\u0017\\u0018\\u0019\\u001a\\u001b\\u001c\\u001d"
                + "\\u001e\\u001f\"";
        assertThat(Jcs.canonicalString(JsonValue.of(all.toString()))).isEqualTo(expected);
    }

    @Test
    void onlyQuoteBackslashAndControlsAreEscaped() {
        // '/' stays as it is, DEL (U+007F) and U+2028 are not controls to JSON.stringify, non-ASCII is not escaped
        String s = "\"\\/\u007f\u2028\u00e9\ud83d\ude00<>&'";
        assertThat(Jcs.canonicalString(JsonValue.of(s))).isEqualTo("\"\\\"\\\\/\u007f\u2028\u00e9\ud83d\ude00<>&'\"");
        assertThat(Jcs.canonical(JsonValue.of("\u00e9\ud83d\ude00")))
                .isEqualTo(new byte[] {'"', (byte) 0xc3, (byte) 0xa9, (byte) 0xf0, (byte) 0x9f, (byte) 0x98, (byte) 0x80, '"'});
    }

    @Test
    void escapedInputIsUnescapedThenCanonicallyReescaped() throws Exception {
        assertThat(canonical("{\"a\":\"\\u0041\\u00E9\\/\\u001F\\u001f\\t\\u0009\"}"))
                .isEqualTo("{\"a\":\"A\u00e9/\\u001f\\u001f\\t\\t\"}");
    }

    @ParameterizedTest
    @CsvSource({"0, 0", "-0, 0", "1, 1", "-1, -1", "9007199254740991, 9007199254740991",
            "-9007199254740991, -9007199254740991", "1000000, 1000000"})
    void integersPrintAsPlainDecimals(String input, String expected) throws Exception {
        assertThat(canonical("{\"n\": " + input + "}")).isEqualTo("{\"n\":" + expected + "}");
    }

    @Test
    void integersBeyondTheSafeRangeCannotEvenBeRepresented() {
        assertThatThrownBy(() -> new JsonValue.JsonNumber(JsonValue.MAX_SAFE_INTEGER + 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> canonical("{\"n\": 9007199254740992}")).isInstanceOf(JsonException.class)
                .hasMessageContaining("outside +-(2^53-1)");
    }

    @Test
    void supplementaryCharactersSortByTheirSurrogatesNotByCodePoint() {
        Map<String, JsonValue> fields = new LinkedHashMap<>();
        fields.put("\uffff", JsonValue.of(1));
        fields.put("\ud83d\ude00", JsonValue.of(2)); // U+1F600 > U+FFFF, but its first code unit 0xD83D < 0xFFFF
        fields.put("\ue000", JsonValue.of(3));
        fields.put("Z", JsonValue.of(4));
        fields.put("a", JsonValue.of(5));
        fields.put("", JsonValue.of(6));
        fields.put("aa", JsonValue.of(7));
        assertThat(Jcs.canonicalString(new JsonValue.JsonObject(fields)))
                .isEqualTo("{\"\":6,\"Z\":4,\"a\":5,\"aa\":7,\"\ud83d\ude00\":2,\"\ue000\":3,\"\uffff\":1}");
    }

    @Test
    void nestedObjectsAreSortedAtEveryLevelAndArraysKeepTheirOrder() {
        JsonValue value = ObjectBuilder.create()
                .put("b", new JsonValue.JsonArray(List.of(ObjectBuilder.create().put("z", 1).put("a", 2).build(),
                        JsonValue.of("x"), JsonValue.JsonNull.NULL)))
                .put("a", ObjectBuilder.create().put("d", true).put("c", "y"))
                .build();
        assertThat(Jcs.canonicalString(value)).isEqualTo("{\"a\":{\"c\":\"y\",\"d\":true},\"b\":[{\"a\":2,\"z\":1},\"x\",null]}");
    }

    @Test
    void whitespaceAndMemberOrderOfTheInputDoNotMatter() throws Exception {
        String a = canonical("{ \"b\" : [ 1 , 2 ] ,\n\t\"a\" : { \"y\" : true , \"x\" : null } }");
        String b = canonical("{\"a\":{\"x\":null,\"y\":true},\"b\":[1,2]}");
        assertThat(a).isEqualTo(b).isEqualTo("{\"a\":{\"x\":null,\"y\":true},\"b\":[1,2]}");
        assertThat(canonical(a)).isEqualTo(a);
    }

    @Test
    void emptyValues() throws Exception {
        assertThat(canonical("{}")).isEqualTo("{}");
        assertThat(canonical("{\"\":\"\",\"a\":[],\"b\":{}}")).isEqualTo("{\"\":\"\",\"a\":[],\"b\":{}}");
    }

    @Test
    void inputOutsideIJsonIsRefusedBeforeCanonicalisation() {
        // RFC 8785 section 3.1 requires I-JSON (RFC 7493): unique names, well-formed Unicode.
        assertThatThrownBy(() -> canonical("{\"a\":1,\"a\":2}")).isInstanceOf(JsonException.class)
                .hasMessageContaining("duplicate member 'a'");
        assertThatThrownBy(() -> canonical("{\"a\":\"\\ud800\"}")).isInstanceOf(JsonException.class)
                .hasMessageContaining("lone surrogate");
        assertThatThrownBy(() -> canonical("{\"\\udc00\":1}")).isInstanceOf(JsonException.class)
                .hasMessageContaining("surrogate");
    }
}
