package chat.protocol.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict JSON parser on jackson-core's streaming API: it enforces {@link JsonLimits}
 * token by token, refuses duplicate member names, fractions, exponents and integers
 * beyond 2^53 - 1, and anything after the top-level value. No data binding, no reflection.
 */
public final class JsonParser {

    private final JsonLimits limits;
    private final JsonFactory factory;

    public JsonParser(JsonLimits limits) {
        this.limits = limits;
        this.factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(limits.maxDepth() + 1)
                        .maxStringLength(limits.maxStringLength())
                        .maxNumberLength(20)
                        .maxNameLength(limits.maxStringLength())
                        .build())
                .build();
    }

    /** Parsers keep no state between documents, so one serves every thread. */
    private static final JsonParser DEFAULT = new JsonParser(JsonLimits.DEFAULT);

    /**
     * The parser with {@link JsonLimits#DEFAULT}, shared: building a parser (its Jackson
     * factory and symbol tables) costs more than parsing a small document.
     */
    public static JsonParser withDefaults() {
        return DEFAULT;
    }

    /** Parses one document, which must be an object. */
    public JsonValue.JsonObject parseObject(byte[] utf8) throws JsonException {
        return parseObject(utf8, 0, utf8.length);
    }

    public JsonValue.JsonObject parseObject(byte[] utf8, int offset, int length) throws JsonException {
        requireUtf8(utf8, offset, length);
        try (com.fasterxml.jackson.core.JsonParser p = factory.createParser(utf8, offset, length)) {
            JsonToken first = p.nextToken();
            if (first != JsonToken.START_OBJECT) {
                throw new JsonException("expected a JSON object, found " + describe(first), false);
            }
            State state = new State();
            JsonValue.JsonObject result = readObject(p, state, 1);
            JsonToken trailing = p.nextToken();
            if (trailing != null) {
                throw new JsonException("unexpected content after the JSON object", false);
            }
            return result;
        } catch (StreamConstraintsException e) {
            throw new JsonException("JSON limit exceeded: " + inOurWords(e.getOriginalMessage()), true);
        } catch (JsonParseException e) {
            throw new JsonException("malformed JSON: " + e.getOriginalMessage(), false);
        } catch (IOException e) {
            throw new JsonException("malformed JSON: " + e.getMessage(), false);
        }
    }

    private static final java.util.regex.Pattern LIMIT = java.util.regex.Pattern.compile(
            "(String value|Number value|Name|Document nesting depth)\\s*(?:length)?\\s*\\((\\d+)\\) exceeds the maximum"
                    + " allowed \\((\\d+)");

    /** Jackson's limit messages name its own classes; a person (or a bot's author) gets the limit in plain words. */
    static String inOurWords(String original) {
        java.util.regex.Matcher m = LIMIT.matcher(original == null ? "" : original);
        if (!m.find()) {
            return original == null ? "a limit" : original.replaceAll(",? ?from `[^`]*`\\)?", "").trim();
        }
        long found = Long.parseLong(m.group(2));
        long limit = Long.parseLong(m.group(3));
        return switch (m.group(1)) {
            case "String value" -> "a string of " + found + " characters is longer than the limit of " + limit;
            case "Number value" -> "a number of " + found + " digits is longer than the limit of " + limit;
            case "Name" -> "a member name of " + found + " characters is longer than the limit of " + limit;
            default -> "the nesting depth " + found + " is deeper than the limit of " + (limit - 1);
        };
    }

    /**
     * Jackson guesses the encoding of byte input from a byte order mark or from zero bytes
     * among the first four, and would read UTF-16 and UTF-32 documents. JSON between systems
     * is UTF-8 without a BOM (RFC 8259 section 8.1), and a UTF-8 JSON text has neither, so
     * refusing both leaves Jackson nothing to guess: every message keeps a single encoding.
     */
    private static void requireUtf8(byte[] bytes, int offset, int length) throws JsonException {
        if (length >= 3 && (bytes[offset] & 0xff) == 0xef && (bytes[offset + 1] & 0xff) == 0xbb
                && (bytes[offset + 2] & 0xff) == 0xbf) {
            throw new JsonException("malformed JSON: a byte order mark is not allowed; JSON must be UTF-8", false);
        }
        for (int i = offset; i < offset + Math.min(length, 4); i++) {
            int b = bytes[i] & 0xff;
            if (b == 0 || b == 0xfe || b == 0xff) {
                throw new JsonException("malformed JSON: not UTF-8 (byte 0x" + Integer.toHexString(b) + " at offset "
                        + (i - offset) + ")", false);
            }
        }
    }

    private static final class State {
        int values;
    }

    private JsonValue read(com.fasterxml.jackson.core.JsonParser p, JsonToken token, State state, int depth)
            throws IOException, JsonException {
        if (++state.values > limits.maxValues()) {
            throw new JsonException("JSON document has more than " + limits.maxValues() + " values", true);
        }
        return switch (token) {
            case START_OBJECT -> readObject(p, state, depth + 1);
            case START_ARRAY -> readArray(p, state, depth + 1);
            case VALUE_STRING -> new JsonValue.JsonString(wellFormed(p.getText(), p));
            case VALUE_NUMBER_INT -> readInteger(p);
            case VALUE_NUMBER_FLOAT -> throw new JsonException("at " + path(p) + ": only integers are allowed, found "
                    + p.getText(), false);
            case VALUE_TRUE -> new JsonValue.JsonBoolean(true);
            case VALUE_FALSE -> new JsonValue.JsonBoolean(false);
            case VALUE_NULL -> JsonValue.JsonNull.NULL;
            default -> throw new JsonException("unexpected " + describe(token), false);
        };
    }

    private JsonValue.JsonObject readObject(com.fasterxml.jackson.core.JsonParser p, State state, int depth)
            throws IOException, JsonException {
        checkDepth(depth);
        Map<String, JsonValue> fields = new LinkedHashMap<>();
        JsonToken token;
        while ((token = p.nextToken()) == JsonToken.FIELD_NAME) {
            String name = wellFormed(p.currentName(), p);
            if (fields.size() >= limits.maxObjectFields()) {
                throw new JsonException("an object has more than " + limits.maxObjectFields() + " members", true);
            }
            JsonValue value = read(p, p.nextToken(), state, depth);
            if (fields.putIfAbsent(name, value) != null) {
                throw new JsonException("duplicate member '" + name + "'", false);
            }
        }
        if (token != JsonToken.END_OBJECT) {
            throw new JsonException("unterminated object", false);
        }
        return new JsonValue.JsonObject(fields);
    }

    private JsonValue.JsonArray readArray(com.fasterxml.jackson.core.JsonParser p, State state, int depth)
            throws IOException, JsonException {
        checkDepth(depth);
        List<JsonValue> elements = new ArrayList<>();
        JsonToken token;
        while ((token = p.nextToken()) != JsonToken.END_ARRAY) {
            if (token == null) {
                throw new JsonException("unterminated array", false);
            }
            if (elements.size() >= limits.maxArrayLength()) {
                throw new JsonException("an array has more than " + limits.maxArrayLength() + " elements", true);
            }
            elements.add(read(p, token, state, depth));
        }
        return new JsonValue.JsonArray(elements);
    }

    private void checkDepth(int depth) throws JsonException {
        if (depth > limits.maxDepth()) {
            throw new JsonException("JSON nested deeper than " + limits.maxDepth() + " levels", true);
        }
    }

    private static JsonValue readInteger(com.fasterxml.jackson.core.JsonParser p) throws IOException, JsonException {
        if (p.getNumberType() == com.fasterxml.jackson.core.JsonParser.NumberType.BIG_INTEGER) {
            throw new JsonException("at " + path(p) + ": integer " + p.getText() + " is too large", false);
        }
        long value = p.getLongValue();
        if (value > JsonValue.MAX_SAFE_INTEGER || value < -JsonValue.MAX_SAFE_INTEGER) {
            throw new JsonException("at " + path(p) + ": integer " + value + " outside +-(2^53-1)", false);
        }
        return new JsonValue.JsonNumber(value);
    }

    /** RFC 8785 needs well-formed Unicode: a lone surrogate (from a \\ud800 escape) is refused. */
    private static String wellFormed(String s, com.fasterxml.jackson.core.JsonParser p) throws JsonException {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new JsonException("at " + path(p) + ": string contains a lone surrogate", false);
            }
        }
        return s;
    }

    private static String path(com.fasterxml.jackson.core.JsonParser p) {
        return p.getParsingContext().pathAsPointer().toString();
    }

    private static String describe(JsonToken token) {
        return token == null ? "end of input" : token.asString() == null ? token.name() : token.asString();
    }
}
