package chat.protocol;

import chat.crypto.Sha256;
import chat.protocol.json.Jcs;
import chat.protocol.json.ObjectBuilder;

/**
 * The per-channel hash chain every member keeps (docs/protocol.md, "Hash chain"):
 * <pre>
 *   head(0) = SHA-256( JCS({"channelID": C, "purpose": "chat-v1/chain"}) )
 *   head(n) = SHA-256( head(n-1) || JCS(entry n as delivered) )
 * </pre>
 * where "entry n as delivered" is the whole entry object (addUser, comms, member, rotate) the server sent,
 * with its type, signature, channelSeq and timestamp. Two members with equal heads at n
 * have seen the same n entries in the same order, stamped the same way.
 */
public final class ChainHash {

    public static final String PURPOSE = "chat-v1/chain";

    private ChainHash() {
    }

    public static byte[] genesis(String channelID) {
        return Sha256.hash(ObjectBuilder.create().put("purpose", PURPOSE).put("channelID", channelID).canonical());
    }

    /** The head after {@code entry}, which must carry its server stamp. */
    public static byte[] next(byte[] previous, ChannelEntry entry) {
        if (entry.stamp() == null) {
            throw new IllegalArgumentException("a chain entry carries the server's stamp (channelSeq, timestamp)");
        }
        return Sha256.hash(previous, Jcs.canonical(MessageCodec.toJson(entry)));
    }

    /** The head after an entry given as its canonical bytes (what the server stores and sends). */
    public static byte[] next(byte[] previous, byte[] canonicalEntry) {
        return Sha256.hash(previous, canonicalEntry);
    }
}
