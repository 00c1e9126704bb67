package chat.protocol;

import chat.crypto.AgreementPublicKey;
import chat.crypto.HpkeSealed;
import chat.crypto.MalformedInputException;
import chat.crypto.SigningKeyPair;
import chat.crypto.SigningPublicKey;

/** Making and checking the signed channel entries, addUser and comms. */
public final class Entries {

    private Entries() {
    }

    /** A signed addUser: creation when {@code inviter} equals {@code invitee}. */
    public static AddUser addUser(SigningKeyPair inviterKey, String channelID, long epoch, String inviter,
                                  String invitee, AgreementPublicKey inviteeKey, byte[] channelKey, long userSeq,
                                  View view) throws MalformedInputException {
        HpkeSealed wrapped = ChannelCrypto.wrapKey(channelKey, inviteeKey, channelID, epoch, inviter, invitee);
        AddUser unsigned = new AddUser(channelID, epoch, inviter, invitee, userSeq, view, wrapped.enc(),
                wrapped.ciphertext(), new byte[0], null);
        byte[] signature = inviterKey.sign(SignedForms.addUser(unsigned));
        return new AddUser(channelID, epoch, inviter, invitee, userSeq, view, wrapped.enc(), wrapped.ciphertext(),
                signature, null);
    }

    /** A signed comms carrying {@code text} sealed under {@code channelKey}. */
    public static Comms comms(SigningKeyPair senderKey, String channelID, long epoch, String sender, long userSeq,
                              View view, byte[] channelKey, String text) throws MalformedInputException {
        byte[] aad = ChannelCrypto.commsAad(channelID, epoch, sender, userSeq, view);
        ChannelCrypto.Sealed sealed = ChannelCrypto.sealText(channelKey, aad, text);
        Comms unsigned = new Comms(channelID, epoch, sender, userSeq, view, sealed.nonce(), sealed.ct(), new byte[0], null);
        return new Comms(channelID, epoch, sender, userSeq, view, sealed.nonce(), sealed.ct(),
                senderKey.sign(SignedForms.comms(unsigned)), null);
    }

    public static boolean verify(AddUser m, SigningPublicKey inviterKey) {
        return inviterKey.verify(SignedForms.addUser(m), m.signature());
    }

    public static boolean verify(Comms m, SigningPublicKey senderKey) {
        return senderKey.verify(SignedForms.comms(m), m.signature());
    }

    /** The user who signed an entry: the inviter of an addUser, the sender of a comms. */
    public static String author(Message entry) {
        return switch (entry) {
            case AddUser a -> a.inviter();
            case Comms c -> c.userID();
            default -> throw new IllegalArgumentException(entry.type() + " is not a channel entry");
        };
    }
}
