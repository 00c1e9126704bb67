package chat.protocol;

/**
 * Server to client, in clear: the server's fresh nonce and ephemeral X25519 key, signed by
 * the server over the transcript hash of initConn and these values.
 */
public record InitKey(int version, byte[] nonce, byte[] ephemeralKey, byte[] signature) implements Message {

    public static final String TYPE = "initKey";

    @Override
    public String type() {
        return TYPE;
    }
}
