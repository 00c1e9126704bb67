package chat.protocol;

/**
 * A chat message: text sealed with AES-256-GCM under the channel key of {@code epoch}
 * ({@code nonce}, {@code ct} with its tag), the header as associated data, signed by the
 * sender. {@code stamp} is null from a client and set by the server when delivered.
 */
public record Comms(String channelID, long epoch, String userID, long userSeq, View view,
                    byte[] nonce, byte[] ct, byte[] signature, Stamp stamp) implements ChannelEntry {

    public static final String TYPE = "comms";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String author() {
        return userID;
    }

    @Override
    public Comms withStamp(Stamp s) {
        return new Comms(channelID, epoch, userID, userSeq, view, nonce, ct, signature, s);
    }
}
