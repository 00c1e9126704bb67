package chat.server.internal;

import chat.protocol.ErrorCode;
import chat.protocol.ProtocolException;

/** A request refused by a handler; {@code lastUserSeq} is set for staleUserSeq. */
final class Rejection extends ProtocolException {

    final Long lastUserSeq;

    Rejection(ErrorCode code, String message) {
        this(code, message, null);
    }

    Rejection(ErrorCode code, String message, Long lastUserSeq) {
        super(code, message);
        this.lastUserSeq = lastUserSeq;
    }

    static Rejection staleUserSeq(long given, long last) {
        return new Rejection(ErrorCode.STALE_USER_SEQ, "userSeq " + given + " is not greater than your last accepted userSeq "
                + last, last);
    }
}
