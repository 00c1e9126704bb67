package chat.protocol;

import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Starts key epoch {@code epoch} (the previous one plus 1), signed by the member
 * {@code userID} who chose the new key: the key wrapped with HPKE to every member
 * ({@code keys}, by user name, exactly the channel's members when the server accepts it),
 * its commitment ({@link ChannelCrypto#commitment}) and the previous epoch's key sealed
 * under the new one ({@code previousNonce}, {@code previousKey}), so that whoever holds the
 * new key can read every earlier epoch. {@code stamp} is null from a client.
 */
public record Rotate(String channelID, long epoch, String userID, long userSeq, View view,
                     SortedMap<String, WrappedKey> keys, byte[] keyCommitment, byte[] previousNonce,
                     byte[] previousKey, byte[] signature, Stamp stamp) implements ChannelEntry {

    public static final String TYPE = "rotate";

    /** A channel key wrapped with HPKE to one member. */
    public record WrappedKey(byte[] enc, byte[] ct) {
    }

    public Rotate {
        keys = Collections.unmodifiableSortedMap(new TreeMap<>(keys));
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String author() {
        return userID;
    }

    @Override
    public Rotate withStamp(Stamp s) {
        return new Rotate(channelID, epoch, userID, userSeq, view, keys, keyCommitment, previousNonce, previousKey,
                signature, s);
    }
}
