package chat.crypto;

import java.util.Arrays;
import java.util.HexFormat;

/** Small byte-array checks shared by the key and cipher classes of this module. */
final class Bytes {

    private Bytes() {
    }

    static byte[] requireLength(byte[] value, int length, String what) throws MalformedInputException {
        if (value == null) {
            throw new MalformedInputException(what + " is missing");
        }
        if (value.length != length) {
            throw new MalformedInputException(what + " must be " + length + " bytes, got " + value.length);
        }
        return value.clone();
    }

    static void wipe(byte[] secret) {
        if (secret != null) {
            Arrays.fill(secret, (byte) 0);
        }
    }

    static String hex(byte[] value) {
        return HexFormat.of().formatHex(value);
    }
}
