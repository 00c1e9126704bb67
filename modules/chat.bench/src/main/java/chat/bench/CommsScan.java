package chat.bench;

import java.nio.charset.StandardCharsets;

/**
 * Reads the four fields the generator needs (channelID, channelSeq, userID, userSeq) from
 * a delivered comms without decoding it. This is sound only because the server sends RFC
 * 8785 canonical JSON: members come sorted (channelID, channelSeq, epoch, msg, signature,
 * timestamp, type, userID, userSeq, viewHead, viewSeq), there is no whitespace, and names
 * and base64 values hold no quote or backslash, so a pattern like {@code "type":"comms"}
 * can only be that member. The channel fields open the object; type, userID and userSeq
 * sit in its last hundred bytes, found by searching back from the end, so the long
 * base64 members between them are never read. Anything else (addUser, error,
 * replayFinished) fails the scan and is decoded properly. One instance per reader thread.
 */
final class CommsScan {

    private static final byte[] CHANNEL_ID = bytes("\"channelID\":\"");
    private static final byte[] CHANNEL_SEQ = bytes("\"channelSeq\":");
    private static final byte[] TYPE_COMMS = bytes("\"type\":\"comms\"");
    private static final byte[] USER_ID = bytes("\"userID\":\"");
    private static final byte[] USER_SEQ = bytes("\"userSeq\":");

    String channel;
    long channelSeq;
    String userID;
    long userSeq;

    private int pos;

    /** True if {@code json} is a stamped comms; its fields are then set. */
    boolean scan(byte[] json) {
        pos = 0;
        if (!skipPast(json, CHANNEL_ID)) {
            return false;
        }
        int end = indexOf(json, (byte) '"', pos);
        if (end < 0) {
            return false;
        }
        int channelStart = pos;
        int channelEnd = end;
        pos = end;
        if (!skipPast(json, CHANNEL_SEQ)) {
            return false;
        }
        channelSeq = number(json);
        int type = lastIndexOf(json, TYPE_COMMS);
        if (channelSeq < 0 || type < pos) {
            return false;
        }
        pos = type + TYPE_COMMS.length;
        if (!skipPast(json, USER_ID)) {
            return false;
        }
        end = indexOf(json, (byte) '"', pos);
        if (end < 0) {
            return false;
        }
        int userStart = pos;
        int userEnd = end;
        pos = end;
        if (!skipPast(json, USER_SEQ)) {
            return false;
        }
        userSeq = number(json);
        if (userSeq < 0) {
            return false;
        }
        channel = new String(json, channelStart, channelEnd - channelStart, StandardCharsets.US_ASCII);
        userID = new String(json, userStart, userEnd - userStart, StandardCharsets.US_ASCII);
        return true;
    }

    private boolean skipPast(byte[] json, byte[] pattern) {
        int at = indexOf(json, pattern, pos);
        if (at < 0) {
            return false;
        }
        pos = at + pattern.length;
        return true;
    }

    /** The decimal at {@link #pos}, or -1 if there is none. */
    private long number(byte[] json) {
        long value = 0;
        int start = pos;
        while (pos < json.length && json[pos] >= '0' && json[pos] <= '9' && pos - start < 18) {
            value = value * 10 + (json[pos++] - '0');
        }
        return pos == start ? -1 : value;
    }

    static int indexOf(byte[] hay, byte b, int from) {
        for (int i = from; i < hay.length; i++) {
            if (hay[i] == b) {
                return i;
            }
        }
        return -1;
    }

    static int indexOf(byte[] hay, byte[] needle, int from) {
        byte first = needle[0];
        int last = hay.length - needle.length;
        outer:
        for (int i = from; i <= last; i++) {
            if (hay[i] != first) {
                continue;
            }
            for (int j = 1; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    static int lastIndexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = hay.length - needle.length; i >= 0; i--) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
