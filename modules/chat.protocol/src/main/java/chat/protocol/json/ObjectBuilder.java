package chat.protocol.json;

import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/** Builds a {@link JsonValue.JsonObject} member by member; null values are left out. */
public final class ObjectBuilder {

    private final Map<String, JsonValue> fields = new LinkedHashMap<>();

    public static ObjectBuilder create() {
        return new ObjectBuilder();
    }

    public ObjectBuilder put(String name, String value) {
        if (value != null) {
            fields.put(name, new JsonValue.JsonString(value));
        }
        return this;
    }

    public ObjectBuilder put(String name, long value) {
        fields.put(name, new JsonValue.JsonNumber(value));
        return this;
    }

    public ObjectBuilder put(String name, Long value) {
        if (value != null) {
            fields.put(name, new JsonValue.JsonNumber(value));
        }
        return this;
    }

    public ObjectBuilder put(String name, boolean value) {
        fields.put(name, new JsonValue.JsonBoolean(value));
        return this;
    }

    public ObjectBuilder put(String name, byte[] value) {
        if (value != null) {
            fields.put(name, new JsonValue.JsonString(Base64.getEncoder().encodeToString(value)));
        }
        return this;
    }

    public ObjectBuilder put(String name, JsonValue value) {
        if (value != null) {
            fields.put(name, value);
        }
        return this;
    }

    public ObjectBuilder put(String name, ObjectBuilder value) {
        return put(name, value.build());
    }

    public JsonValue.JsonObject build() {
        return new JsonValue.JsonObject(fields);
    }

    public byte[] canonical() {
        return Jcs.canonical(build());
    }
}
