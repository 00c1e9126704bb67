package chat.protocol;

import chat.crypto.AgreementPublicKey;
import chat.crypto.Hpke;
import chat.crypto.HpkeSealed;
import chat.crypto.MalformedInputException;
import chat.crypto.SigningKeyPair;
import chat.crypto.SigningPublicKey;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/** Making and checking the signed channel entries: addUser, comms, member and rotate. */
public final class Entries {

    private Entries() {
    }

    /** A signed addUser: creation when {@code inviter} equals {@code invitee}. */
    public static AddUser addUser(SigningKeyPair inviterKey, String channelID, long epoch, String inviter,
                                  String invitee, AgreementPublicKey inviteeKey, byte[] channelKey, long userSeq,
                                  View view) throws MalformedInputException {
        HpkeSealed wrapped = ChannelCrypto.wrapKey(channelKey, inviteeKey, channelID, epoch, inviter, invitee);
        byte[] commitment = ChannelCrypto.commitment(channelID, epoch, channelKey);
        AddUser unsigned = new AddUser(channelID, epoch, inviter, invitee, userSeq, view, wrapped.enc(),
                wrapped.ciphertext(), commitment, new byte[0], null);
        byte[] signature = inviterKey.sign(SignedForms.addUser(unsigned));
        return new AddUser(channelID, epoch, inviter, invitee, userSeq, view, wrapped.enc(), wrapped.ciphertext(),
                commitment, signature, null);
    }

    /** A signed leave ({@code subject} equal to {@code author}), removal or promotion to admin. */
    public static MemberChange member(SigningKeyPair authorKey, String channelID, long epoch, String author,
                                      String subject, MemberChange.Change change, long userSeq, View view) {
        MemberChange unsigned = new MemberChange(channelID, epoch, author, subject, change, userSeq, view, new byte[0], null);
        return new MemberChange(channelID, epoch, author, subject, change, userSeq, view,
                authorKey.sign(SignedForms.entry(unsigned)), null);
    }

    /**
     * A signed rotate to {@code epoch}: {@code newKey} wrapped to each of {@code members}
     * (user name to agreement key), committed to, and {@code previousKey} sealed under it.
     */
    public static Rotate rotate(SigningKeyPair rotatorKey, String channelID, long epoch, String rotator,
                                Map<String, AgreementPublicKey> members, byte[] newKey, byte[] previousKey,
                                long userSeq, View view) throws MalformedInputException {
        SortedMap<String, Rotate.WrappedKey> keys = new TreeMap<>();
        for (Map.Entry<String, AgreementPublicKey> member : members.entrySet()) {
            HpkeSealed sealed = Hpke.seal(member.getValue(),
                    ChannelCrypto.rotateKeyInfo(channelID, epoch, rotator, member.getKey()), new byte[0], newKey);
            keys.put(member.getKey(), new Rotate.WrappedKey(sealed.enc(), sealed.ciphertext()));
        }
        ChannelCrypto.Sealed previous = ChannelCrypto.sealPrevious(newKey, channelID, epoch, previousKey);
        byte[] commitment = ChannelCrypto.commitment(channelID, epoch, newKey);
        Rotate unsigned = new Rotate(channelID, epoch, rotator, userSeq, view, keys, commitment, previous.nonce(),
                previous.ct(), new byte[0], null);
        return new Rotate(channelID, epoch, rotator, userSeq, view, keys, commitment, previous.nonce(), previous.ct(),
                rotatorKey.sign(SignedForms.entry(unsigned)), null);
    }

    /** A signed comms carrying {@code text} sealed under {@code channelKey}. */
    public static Comms comms(SigningKeyPair senderKey, String channelID, long epoch, String sender, long userSeq,
                              View view, byte[] channelKey, String text) throws MalformedInputException {
        return comms(senderKey, channelID, epoch, sender, userSeq, view, channelKey, text, null);
    }

    /** The same, naming in the plaintext the directory version the sender holds. */
    public static Comms comms(SigningKeyPair senderKey, String channelID, long epoch, String sender, long userSeq,
                              View view, byte[] channelKey, String text, DirectoryClaim claim) throws MalformedInputException {
        byte[] aad = ChannelCrypto.commsAad(channelID, epoch, sender, userSeq, view);
        ChannelCrypto.Sealed sealed = ChannelCrypto.sealText(channelKey, aad, text, claim);
        Comms unsigned = new Comms(channelID, epoch, sender, userSeq, view, sealed.nonce(), sealed.ct(), new byte[0], null);
        return new Comms(channelID, epoch, sender, userSeq, view, sealed.nonce(), sealed.ct(),
                senderKey.sign(SignedForms.comms(unsigned)), null);
    }

    /** Whether {@code authorKey} signed exactly this entry (any kind). */
    public static boolean verify(ChannelEntry m, SigningPublicKey authorKey) {
        return authorKey.verify(SignedForms.entry(m), m.signature());
    }
}
