package chat.protocol;

/**
 * Client to server, the first encrypted frame: the user's signature over the full
 * handshake transcript. It proves the client holds both the ephemeral key (the frame
 * decrypts) and the identity key (the signature checks) in this very session.
 */
public record InitConfirm(byte[] signature) implements Message {

    public static final String TYPE = "initConfirm";

    @Override
    public String type() {
        return TYPE;
    }
}
