package chat.protocol;

import chat.crypto.AesGcm;
import chat.crypto.AgreementKeyPair;
import chat.crypto.AgreementPublicKey;
import chat.crypto.CryptoException;
import chat.crypto.CryptoRandom;
import chat.crypto.HpkeSealed;
import chat.crypto.Hpke;
import chat.crypto.MalformedInputException;
import chat.crypto.Sha256;
import chat.protocol.json.JsonException;
import chat.protocol.json.JsonParser;
import chat.protocol.json.ObjectBuilder;
import chat.protocol.json.ObjectReader;

/**
 * The end-to-end layer of a channel: wrapping the channel key to a member with HPKE, and
 * sealing message text with AES-256-GCM under the channel key (docs/protocol.md, "Channel
 * keys" and "Message encryption"). The server sees only the results.
 */
public final class ChannelCrypto {

    public static final int CHANNEL_KEY_LENGTH = 32;
    public static final String KEY_PURPOSE = "chat-v1/channelkey";
    public static final String AAD_PURPOSE = "chat-v1/comms-aad";
    public static final String ROTATE_KEY_PURPOSE = "chat-v1/rotatekey";
    public static final String COMMITMENT_PURPOSE = "chat-v1/keycommit";
    public static final String PREVIOUS_PURPOSE = "chat-v1/previouskey";

    private ChannelCrypto() {
    }

    /** The cipher a thread used last, and the channel key it holds. */
    private record MessageCipher(byte[] key, AesGcm gcm) {
    }

    /**
     * Each thread keeps the cipher of the channel key it used last: a channel's messages come
     * and go under one key for a whole epoch, and making an {@link AesGcm} (the JDK's
     * {@code Cipher.getInstance} and the AES key expansion) costs more than sealing or
     * opening a chat message. Per thread, because an {@code AesGcm} is not thread-safe.
     */
    private static final ThreadLocal<MessageCipher> LAST_CIPHER = new ThreadLocal<>();

    private static AesGcm messageCipher(byte[] channelKey) throws MalformedInputException {
        MessageCipher last = LAST_CIPHER.get();
        if (last != null && java.security.MessageDigest.isEqual(last.key(), channelKey)) {
            return last.gcm();
        }
        AesGcm gcm = AesGcm.of(channelKey);
        LAST_CIPHER.set(new MessageCipher(channelKey.clone(), gcm));
        return gcm;
    }

    public static byte[] newChannelKey() {
        return CryptoRandom.bytes(CHANNEL_KEY_LENGTH);
    }

    /** HPKE info: binds the wrapped key to its channel, epoch, inviter and invitee. */
    public static byte[] keyInfo(String channelID, long epoch, String inviter, String invitee) {
        return ObjectBuilder.create().put("purpose", KEY_PURPOSE).put("channelID", channelID).put("epoch", epoch)
                .put("inviter", inviter).put("invitee", invitee).canonical();
    }

    public static HpkeSealed wrapKey(byte[] channelKey, AgreementPublicKey invitee, String channelID, long epoch,
                                     String inviter, String inviteeName) throws MalformedInputException {
        return Hpke.seal(invitee, keyInfo(channelID, epoch, inviter, inviteeName), new byte[0], channelKey);
    }

    /** HPKE info of a rotate's key for {@code member}: binds it to the channel, the new epoch and the rotator. */
    public static byte[] rotateKeyInfo(String channelID, long epoch, String rotator, String member) {
        return ObjectBuilder.create().put("purpose", ROTATE_KEY_PURPOSE).put("channelID", channelID).put("epoch", epoch)
                .put("rotator", rotator).put("member", member).canonical();
    }

    /**
     * The commitment to a channel key: SHA-256 of the canonical JSON
     * {"purpose":"chat-v1/keycommit","channelID":C,"epoch":E,"key":K}. The entry that starts an
     * epoch (the create, a rotate) signs it; a key that does not match it is not that epoch's key.
     */
    public static byte[] commitment(String channelID, long epoch, byte[] key) {
        return Sha256.hash(ObjectBuilder.create().put("purpose", COMMITMENT_PURPOSE).put("channelID", channelID)
                .put("epoch", epoch).put("key", key).canonical());
    }

    /** The associated data that binds the previous epoch's key, sealed in a rotate, to its place. */
    private static byte[] previousAad(String channelID, long epoch) {
        return ObjectBuilder.create().put("purpose", PREVIOUS_PURPOSE).put("channelID", channelID).put("epoch", epoch)
                .canonical();
    }

    /** The previous epoch's key sealed under the key of {@code epoch}. */
    public static Sealed sealPrevious(byte[] newKey, String channelID, long epoch, byte[] previousKey)
            throws MalformedInputException {
        byte[] nonce = CryptoRandom.bytes(AesGcm.NONCE_LENGTH);
        return new Sealed(nonce, AesGcm.of(newKey).seal(nonce, previousAad(channelID, epoch), previousKey));
    }

    /** Opens the previous epoch's key from a rotate with the key of the rotate's epoch. */
    public static byte[] openPrevious(byte[] key, Rotate rotate) throws CryptoException {
        byte[] previous = AesGcm.of(key).open(rotate.previousNonce(), previousAad(rotate.channelID(), rotate.epoch()),
                rotate.previousKey());
        if (previous.length != CHANNEL_KEY_LENGTH) {
            throw new MalformedInputException("previous key must be " + CHANNEL_KEY_LENGTH + " bytes, got " + previous.length);
        }
        return previous;
    }

    /** Opens the key a rotate wrapped for {@code member}; fails if there is none or it was not made for this context. */
    public static byte[] unwrapKey(Rotate rotate, String member, AgreementKeyPair mine) throws CryptoException {
        Rotate.WrappedKey wrapped = rotate.keys().get(member);
        if (wrapped == null) {
            throw new MalformedInputException("the rotation to epoch " + rotate.epoch() + " holds no key for " + member);
        }
        byte[] key = Hpke.open(mine, new HpkeSealed(wrapped.enc(), wrapped.ct()),
                rotateKeyInfo(rotate.channelID(), rotate.epoch(), rotate.userID(), member), new byte[0]);
        if (key.length != CHANNEL_KEY_LENGTH) {
            throw new MalformedInputException("channel key must be " + CHANNEL_KEY_LENGTH + " bytes, got " + key.length);
        }
        return key;
    }

    /** Opens the key an addUser wrapped for us; fails on anything not made for exactly this context. */
    public static byte[] unwrapKey(AddUser invite, AgreementKeyPair mine) throws CryptoException {
        byte[] key = Hpke.open(mine, new HpkeSealed(invite.enc(), invite.wrappedKey()),
                keyInfo(invite.channelID(), invite.epoch(), invite.inviter(), invite.invitee()), new byte[0]);
        if (key.length != CHANNEL_KEY_LENGTH) {
            throw new MalformedInputException("channel key must be " + CHANNEL_KEY_LENGTH + " bytes, got " + key.length);
        }
        return key;
    }

    /** The associated data of a comms ciphertext: its whole header. */
    public static byte[] commsAad(String channelID, long epoch, String userID, long userSeq, View view) {
        if (channelID != null && userID != null && view.head() != null) {
            // the same bytes as the object below, written directly: every message is sealed or
            // opened over it (members in RFC 8785 order, checked by GoldenVectorsTest)
            StringBuilder out = new StringBuilder(192 + channelID.length() + userID.length());
            out.append("{\"channelID\":");
            chat.protocol.json.Jcs.writeString(channelID, out);
            out.append(",\"epoch\":").append(epoch).append(",\"purpose\":\"").append(AAD_PURPOSE)
                    .append("\",\"userID\":");
            chat.protocol.json.Jcs.writeString(userID, out);
            out.append(",\"userSeq\":").append(userSeq).append(",\"viewHead\":\"")
                    .append(java.util.Base64.getEncoder().encodeToString(view.head())).append("\",\"viewSeq\":")
                    .append(view.seq()).append('}');
            return out.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
        return ObjectBuilder.create().put("purpose", AAD_PURPOSE).put("channelID", channelID).put("epoch", epoch)
                .put("userID", userID).put("userSeq", userSeq).put("viewSeq", view.seq()).put("viewHead", view.head())
                .canonical();
    }

    /** The plaintext of a comms is the canonical JSON object {"text": T}, leaving room for more fields later. */
    public static byte[] plaintext(String text) {
        return plaintext(text, null);
    }

    /** {"text": T, "directory": {"number": N, "head": H}}: the text and the directory version its sender held. */
    public static byte[] plaintext(String text, DirectoryClaim claim) {
        ObjectBuilder b = ObjectBuilder.create().put("text", text);
        if (claim != null) {
            b.put("directory", ObjectBuilder.create().put("number", claim.number()).put("head", claim.head()));
        }
        return b.canonical();
    }

    /** A decrypted comms: its text and, if the sender named one, the directory version it held. */
    public record Opened(String text, DirectoryClaim directory) {
    }

    public record Sealed(byte[] nonce, byte[] ct) {
    }

    public static Sealed sealText(byte[] channelKey, byte[] aad, String text) throws MalformedInputException {
        return sealText(channelKey, aad, text, null);
    }

    public static Sealed sealText(byte[] channelKey, byte[] aad, String text, DirectoryClaim claim)
            throws MalformedInputException {
        byte[] nonce = CryptoRandom.bytes(AesGcm.NONCE_LENGTH);
        return new Sealed(nonce, messageCipher(channelKey).seal(nonce, aad, plaintext(text, claim)));
    }

    /** Decrypts a comms; a wrong key, a changed header or a flipped bit fails. */
    public static String openText(byte[] channelKey, Comms m) throws CryptoException {
        return open(channelKey, m).text();
    }

    /** Decrypts a comms into its text and directory claim; unknown plaintext fields are ignored (room to grow). */
    public static Opened open(byte[] channelKey, Comms m) throws CryptoException {
        byte[] aad = commsAad(m.channelID(), m.epoch(), m.userID(), m.userSeq(), m.view());
        byte[] plain = messageCipher(channelKey).open(m.nonce(), aad, m.ct());
        try {
            ObjectReader r = ObjectReader.of(JsonParser.withDefaults().parseObject(plain), "plaintext");
            DirectoryClaim claim = null;
            if (r.has("directory")) {
                ObjectReader d = r.object("directory");
                claim = new DirectoryClaim(d.integer("number", 1, MessageCodec.MAX_SEQ),
                        d.bytes("head", MessageCodec.HASH_LENGTH));
            }
            return new Opened(r.string("text"), claim);
        } catch (JsonException e) {
            // Never quote the plaintext: this message may reach logs and alarms.
            throw new MalformedInputException("the decrypted message (" + plain.length
                    + " bytes) is not the JSON object {\"text\": ...}");
        }
    }
}
