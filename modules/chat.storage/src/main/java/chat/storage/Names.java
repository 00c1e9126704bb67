package chat.storage;

/**
 * Checks for the names the store keeps (channels and users). A lone UTF-16 surrogate is
 * refused because UTF-8 cannot encode it: the name would come back from disk as a
 * different string, and a channel's index file would be found under the wrong name.
 */
final class Names {

    private Names() {
    }

    static void check(String field, String value, int maxChars) {
        if (value == null) {
            throw new IllegalArgumentException(field + " is missing");
        }
        if (value.isEmpty() || value.length() > maxChars) {
            throw new IllegalArgumentException(field + " has " + value.length()
                    + " chars; it must have 1.." + maxChars);
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < value.length()
                    && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException(field + " has an unpaired surrogate at index " + i);
            }
        }
    }
}
