package chat.protocol.json;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A parsed JSON value, restricted to what the protocol uses: integers only (no fractions
 * or exponents, magnitude at most 2^53 - 1 so every implementation reads them exactly and
 * RFC 8785 prints them as plain decimals), and objects without duplicate member names.
 */
public sealed interface JsonValue {

    long MAX_SAFE_INTEGER = (1L << 53) - 1;

    record JsonObject(Map<String, JsonValue> fields) implements JsonValue {
        public JsonObject {
            fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
        }
    }

    record JsonArray(List<JsonValue> elements) implements JsonValue {
        public JsonArray {
            elements = List.copyOf(elements);
        }
    }

    record JsonString(String value) implements JsonValue {
        public JsonString {
            Objects.requireNonNull(value);
        }
    }

    record JsonNumber(long value) implements JsonValue {
        public JsonNumber {
            if (value > MAX_SAFE_INTEGER || value < -MAX_SAFE_INTEGER) {
                throw new IllegalArgumentException("integer " + value + " outside the safe range +-(2^53-1)");
            }
        }
    }

    record JsonBoolean(boolean value) implements JsonValue {
    }

    enum JsonNull implements JsonValue {
        NULL
    }

    static JsonString of(String s) {
        return new JsonString(s);
    }

    static JsonNumber of(long n) {
        return new JsonNumber(n);
    }

    static JsonBoolean of(boolean b) {
        return new JsonBoolean(b);
    }
}
