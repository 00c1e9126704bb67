package chat.protocol.json;

import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Typed, strict access to the members of one JSON object: every failure names the member
 * ("field 'userSeq': expected an integer"), members not in the allowed set are refused,
 * binary members must be canonical standard base64 (RFC 4648 section 4, with padding), so
 * a value has exactly one spelling and signatures cannot be made malleable through it.
 */
public final class ObjectReader {

    private final JsonValue.JsonObject object;
    private final String context;

    private ObjectReader(JsonValue.JsonObject object, String context) {
        this.object = object;
        this.context = context;
    }

    public static ObjectReader of(JsonValue.JsonObject object, String context) {
        return new ObjectReader(object, context);
    }

    /** Refuses members outside {@code allowed}. */
    public ObjectReader only(Set<String> allowed) throws JsonException {
        for (String name : object.fields().keySet()) {
            if (!allowed.contains(name)) {
                throw new JsonException(context + ": unknown field '" + name + "'", false);
            }
        }
        return this;
    }

    public boolean has(String name) {
        JsonValue v = object.fields().get(name);
        return v != null && v != JsonValue.JsonNull.NULL;
    }

    private JsonValue require(String name) throws JsonException {
        JsonValue v = object.fields().get(name);
        if (v == null || v == JsonValue.JsonNull.NULL) {
            throw new JsonException(context + ": missing field '" + name + "'", false);
        }
        return v;
    }

    private JsonException mistyped(String name, String expected) {
        return new JsonException(context + ": field '" + name + "' must be " + expected, false);
    }

    public String string(String name) throws JsonException {
        if (require(name) instanceof JsonValue.JsonString s) {
            return s.value();
        }
        throw mistyped(name, "a string");
    }

    public String optionalString(String name) throws JsonException {
        return has(name) ? string(name) : null;
    }

    public long integer(String name) throws JsonException {
        if (require(name) instanceof JsonValue.JsonNumber n) {
            return n.value();
        }
        throw mistyped(name, "an integer");
    }

    /** An integer in {@code min..max}. */
    public long integer(String name, long min, long max) throws JsonException {
        long v = integer(name);
        if (v < min || v > max) {
            throw new JsonException(context + ": field '" + name + "' = " + v + " is outside " + min + ".." + max, false);
        }
        return v;
    }

    public Long optionalInteger(String name, long min, long max) throws JsonException {
        return has(name) ? integer(name, min, max) : null;
    }

    public boolean bool(String name) throws JsonException {
        if (require(name) instanceof JsonValue.JsonBoolean b) {
            return b.value();
        }
        throw mistyped(name, "true or false");
    }

    public byte[] bytes(String name) throws JsonException {
        String text = string(name);
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw mistyped(name, "base64");
        }
        if (!Base64.getEncoder().encodeToString(decoded).equals(text)) {
            throw mistyped(name, "canonical padded base64");
        }
        return decoded;
    }

    /** Base64 bytes of exactly {@code length} bytes. */
    public byte[] bytes(String name, int length) throws JsonException {
        byte[] b = bytes(name);
        if (b.length != length) {
            throw new JsonException(context + ": field '" + name + "' must be " + length + " bytes, got " + b.length, false);
        }
        return b;
    }

    public ObjectReader object(String name) throws JsonException {
        if (require(name) instanceof JsonValue.JsonObject o) {
            return new ObjectReader(o, context + "." + name);
        }
        throw mistyped(name, "an object");
    }

    public JsonValue.JsonArray array(String name) throws JsonException {
        if (require(name) instanceof JsonValue.JsonArray a) {
            return a;
        }
        throw mistyped(name, "an array");
    }

    /** The members of a nested object whose values are all integers, in document order. */
    public Map<String, Long> integerMap(String name, long min, long max) throws JsonException {
        ObjectReader nested = object(name);
        Map<String, Long> out = new LinkedHashMap<>();
        for (String key : nested.object.fields().keySet()) {
            out.put(key, nested.integer(key, min, max));
        }
        return out;
    }

    public Set<String> names() {
        return object.fields().keySet();
    }

    public JsonValue.JsonObject raw() {
        return object;
    }

    public String context() {
        return context;
    }
}
