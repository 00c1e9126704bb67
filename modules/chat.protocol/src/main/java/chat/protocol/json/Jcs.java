package chat.protocol.json;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * RFC 8785 JSON Canonicalization Scheme for the values {@link JsonValue} can hold: members
 * sorted by their names as UTF-16 code unit sequences (which is {@link String#compareTo}),
 * no whitespace, strings escaped as ECMAScript's JSON.stringify does (only {@code "},
 * {@code \\}, and controls below U+0020, those with short forms as \b \t \n \f \r, the rest
 * as lowercase backslash-u00XX), output in UTF-8. Integers within +-(2^53 - 1) print as plain
 * decimals, which is what RFC 8785's number serialisation gives for them.
 *
 * <p>Every signature and every hash in the protocol is taken over this form, so any
 * implementation that follows RFC 8785 computes the same bytes.
 */
public final class Jcs {

    private Jcs() {
    }

    /** Room for a whole channel entry (about 600 bytes for a message) without growing the builder. */
    private static final int TYPICAL = 1024;

    public static byte[] canonical(JsonValue value) {
        StringBuilder out = new StringBuilder(TYPICAL);
        write(value, out);
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    public static String canonicalString(JsonValue value) {
        StringBuilder out = new StringBuilder(TYPICAL);
        write(value, out);
        return out.toString();
    }

    private static void write(JsonValue value, StringBuilder out) {
        switch (value) {
            case JsonValue.JsonObject o -> writeObject(o.fields(), out);
            case JsonValue.JsonArray a -> {
                out.append('[');
                boolean first = true;
                for (JsonValue element : a.elements()) {
                    if (!first) {
                        out.append(',');
                    }
                    first = false;
                    write(element, out);
                }
                out.append(']');
            }
            case JsonValue.JsonString s -> writeString(s.value(), out);
            case JsonValue.JsonNumber n -> out.append(n.value());
            case JsonValue.JsonBoolean b -> out.append(b.value());
            case JsonValue.JsonNull ignored -> out.append("null");
        }
    }

    private static void writeObject(Map<String, JsonValue> fields, StringBuilder out) {
        List<String> names = new ArrayList<>(fields.keySet());
        names.sort(null);
        out.append('{');
        boolean first = true;
        for (String name : names) {
            if (!first) {
                out.append(',');
            }
            first = false;
            writeString(name, out);
            out.append(':');
            write(fields.get(name), out);
        }
        out.append('}');
    }

    /**
     * Appends {@code s} as an RFC 8785 string literal, quotes included; public for callers
     * that write a fixed-shape object with its members already in canonical order.
     */
    public static void writeString(String s, StringBuilder out) {
        out.append('"');
        // Most strings of the protocol (base64, names, ciphertexts) need no escape: copied whole.
        int plain = 0;
        while (plain < s.length()) {
            char c = s.charAt(plain);
            if (c < 0x20 || c == '"' || c == '\\') {
                break;
            }
            plain++;
        }
        out.append(s, 0, plain);
        for (int i = plain; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\f' -> out.append("\\f");
                case '\r' -> out.append("\\r");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /** For tests and tools: the canonical bytes of a parsed document. */
    static byte[] canonicalize(byte[] json) throws JsonException {
        return canonical(JsonParser.withDefaults().parseObject(json));
    }

}
