package chat.protocol;

/**
 * A change of a channel's membership other than an invitation, signed by {@code userID}:
 * {@code leave} (userID leaves; subject is userID), {@code remove} (an admin removes subject)
 * or {@code admin} (an admin makes subject an admin). {@code epoch} is the key epoch its
 * author believed current. {@code stamp} is null from a client and set by the server.
 */
public record MemberChange(String channelID, long epoch, String userID, String subject, Change change, long userSeq,
                           View view, byte[] signature, Stamp stamp) implements ChannelEntry {

    public static final String TYPE = "member";

    /** What changed; {@link #wireName()} is the value of the {@code change} field. */
    public enum Change {
        LEAVE("leave"), REMOVE("remove"), ADMIN("admin");

        private final String wireName;

        Change(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }

        public static Change fromWire(String name) {
            for (Change c : values()) {
                if (c.wireName.equals(name)) {
                    return c;
                }
            }
            return null;
        }
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String author() {
        return userID;
    }

    /** True when the entry ends the subject's membership (a leave or a removal). */
    public boolean isDeparture() {
        return change != Change.ADMIN;
    }

    @Override
    public MemberChange withStamp(Stamp s) {
        return new MemberChange(channelID, epoch, userID, subject, change, userSeq, view, signature, s);
    }
}
