package chat.protocol.json;

/**
 * Limits on untrusted JSON, checked while parsing, before anything large is built (in the
 * manner of jackson-core's {@code StreamReadConstraints}). Every parse of data that came
 * from the network or a file goes through one of these.
 *
 * @param maxDepth        deepest nesting of objects and arrays
 * @param maxStringLength longest string, in chars (also applies to member names)
 * @param maxObjectFields most members in one object
 * @param maxArrayLength  most elements in one array
 * @param maxValues       most values in one document, all levels together
 */
public record JsonLimits(int maxDepth, int maxStringLength, int maxObjectFields, int maxArrayLength, int maxValues) {

    /** Defaults for protocol frames: a frame is at most 1 MiB, so no string can be longer. */
    public static final JsonLimits DEFAULT = new JsonLimits(8, 1 << 20, 4096, 4096, 65_536);

    public JsonLimits {
        positive(maxDepth, "maxDepth");
        positive(maxStringLength, "maxStringLength");
        positive(maxObjectFields, "maxObjectFields");
        positive(maxArrayLength, "maxArrayLength");
        positive(maxValues, "maxValues");
    }

    private static void positive(int value, String name) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }
}
