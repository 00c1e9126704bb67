package chat.protocol;

import chat.crypto.SigningPublicKey;
import chat.protocol.json.ObjectBuilder;
import java.util.Base64;

/**
 * The exact bytes every signature covers: the RFC 8785 canonical form of a JSON object
 * whose {@code purpose} member names what is signed. Purposes differ per message kind, so
 * a signature made for one purpose never verifies for another (domain separation).
 * docs/protocol.md, "Signatures", lists each form.
 */
public final class SignedForms {

    public static final String INIT_CONN = "chat-v1/initConn";
    public static final String INIT_KEY = "chat-v1/initKey";
    public static final String INIT_CONFIRM = "chat-v1/initConfirm";
    public static final String ADD_USER = "chat-v1/addUser";
    public static final String COMMS = "chat-v1/comms";
    public static final String MEMBER = "chat-v1/member";
    public static final String ROTATE = "chat-v1/rotate";

    private SignedForms() {
    }

    /** initConn: the client's fresh values, bound to the server it means to talk to. */
    public static byte[] initConn(int version, String userID, byte[] nonce, byte[] ephemeralKey, SigningPublicKey serverKey) {
        return ObjectBuilder.create().put("purpose", INIT_CONN).put("version", version).put("userID", userID)
                .put("nonce", nonce).put("ephemeralKey", ephemeralKey).put("serverKey", serverKey.bytes()).canonical();
    }

    /** initKey: the server's fresh values, bound to the hash of initConn (which holds the client's). */
    public static byte[] initKey(int version, String userID, byte[] transcript1, byte[] nonce, byte[] ephemeralKey) {
        return ObjectBuilder.create().put("purpose", INIT_KEY).put("version", version).put("userID", userID)
                .put("transcript", transcript1).put("nonce", nonce).put("ephemeralKey", ephemeralKey).canonical();
    }

    /** initConfirm: the user's signature over the hash of the whole handshake. */
    public static byte[] initConfirm(String userID, byte[] transcript2) {
        return ObjectBuilder.create().put("purpose", INIT_CONFIRM).put("userID", userID)
                .put("transcript", transcript2).canonical();
    }

    /** Any channel entry: every field its author chose, under the purpose of its kind. */
    public static byte[] entry(ChannelEntry entry) {
        String purpose = switch (entry) {
            case AddUser m -> ADD_USER;
            case Comms m -> COMMS;
            case MemberChange m -> MEMBER;
            case Rotate m -> ROTATE;
        };
        return MessageCodec.body(ObjectBuilder.create().put("purpose", purpose), entry).canonical();
    }

    /** addUser: every field the inviter chose (not type, signature, channelSeq, timestamp). */
    public static byte[] addUser(AddUser m) {
        return entry(m);
    }

    /** comms: every field the sender chose (not type, signature, channelSeq, timestamp). */
    public static byte[] comms(Comms m) {
        return entry(m);
    }

    static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }
}
