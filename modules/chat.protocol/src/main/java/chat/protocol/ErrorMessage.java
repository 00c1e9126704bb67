package chat.protocol;

/**
 * Either side: a request was refused or the connection is about to end. {@code channelID}
 * and {@code userSeq} (when set) name the request it answers; for {@code staleUserSeq},
 * {@code lastUserSeq} is the last userSeq the server accepted from this user.
 */
public record ErrorMessage(ErrorCode code, String message, String channelID, Long userSeq, Long lastUserSeq)
        implements Message {

    public static final String TYPE = "error";

    public static ErrorMessage of(ErrorCode code, String message) {
        return new ErrorMessage(code, message, null, null, null);
    }

    @Override
    public String type() {
        return TYPE;
    }
}
