package chat.protocol;

/**
 * Creates a channel (inviter == invitee) or invites a member: the channel key of
 * {@code epoch} wrapped with HPKE to the invitee ({@code enc}, {@code wrappedKey}), signed by
 * the inviter, with the commitment to that key ({@link ChannelCrypto#commitment}): a create
 * fixes epoch 0's commitment, an invitation repeats its epoch's. {@code stamp} is null from a client and set by the server when delivered.
 */
public record AddUser(String channelID, long epoch, String inviter, String invitee, long userSeq, View view,
                      byte[] enc, byte[] wrappedKey, byte[] keyCommitment, byte[] signature, Stamp stamp)
        implements ChannelEntry {

    public static final String TYPE = "addUser";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String author() {
        return inviter;
    }

    public boolean isCreate() {
        return inviter.equals(invitee);
    }

    @Override
    public AddUser withStamp(Stamp s) {
        return new AddUser(channelID, epoch, inviter, invitee, userSeq, view, enc, wrappedKey, keyCommitment, signature, s);
    }
}
