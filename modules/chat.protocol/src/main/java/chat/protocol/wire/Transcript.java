package chat.protocol.wire;

import chat.crypto.Hkdf;
import chat.crypto.Sha256;
import chat.protocol.InitConn;
import chat.protocol.InitKey;
import chat.protocol.MessageCodec;
import chat.protocol.json.Jcs;
import java.nio.charset.StandardCharsets;

/**
 * The handshake transcript and key schedule (docs/protocol.md, "Key schedule"):
 * <pre>
 *   th1 = SHA-256( JCS(initConn) )
 *   th2 = SHA-256( th1 || JCS(initKey) )
 *   prk = HKDF-Extract(salt = th2, ikm = X25519(client ephemeral, server ephemeral))
 *   c2s = HKDF-Expand(prk, "chat-v1 c2s", 32);  s2c = HKDF-Expand(prk, "chat-v1 s2c", 32)
 * </pre>
 * Both messages are hashed whole, signatures included, so any change to either (a
 * tampered transcript) gives the two sides different keys.
 */
public final class Transcript {

    private static final byte[] C2S = "chat-v1 c2s".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] S2C = "chat-v1 s2c".getBytes(StandardCharsets.US_ASCII);

    private Transcript() {
    }

    public static byte[] th1(InitConn initConn) {
        return Sha256.hash(Jcs.canonical(MessageCodec.toJson(initConn)));
    }

    public static byte[] th2(byte[] th1, InitKey initKey) {
        return Sha256.hash(th1, Jcs.canonical(MessageCodec.toJson(initKey)));
    }

    static SessionKeys derive(byte[] th2, byte[] sharedSecret) {
        byte[] prk = Hkdf.extract(th2, sharedSecret);
        try {
            return new SessionKeys(Hkdf.expand(prk, C2S, 32), Hkdf.expand(prk, S2C, 32));
        } finally {
            java.util.Arrays.fill(prk, (byte) 0);
            java.util.Arrays.fill(sharedSecret, (byte) 0);
        }
    }
}
