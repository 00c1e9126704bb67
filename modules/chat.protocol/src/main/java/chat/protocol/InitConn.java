package chat.protocol;

/**
 * Client to server, first message, in clear: who I am, a fresh nonce and ephemeral X25519
 * key, signed with my identity key (bound to the server's key, so it is useless elsewhere).
 */
public record InitConn(int version, String userID, byte[] nonce, byte[] ephemeralKey, byte[] signature)
        implements Message {

    public static final String TYPE = "initConn";

    @Override
    public String type() {
        return TYPE;
    }
}
