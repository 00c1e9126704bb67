package chat.protocol;

import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The fixed catalogue of {@code error} codes (docs/protocol.md, "Errors"). A code says
 * what went wrong; {@link #endsConnection()} says whether the sender closes the
 * connection after sending it: only broken frames, failed handshakes and resource limits
 * do; a rejected request leaves the connection open.
 */
public enum ErrorCode {
    /** Frame length zero, negative or over the limit, a truncated frame, or one that fails decryption. */
    BAD_FRAME("badFrame", true),
    /** The payload is not valid JSON, or a field is missing, mistyped or out of range. */
    BAD_MESSAGE("badMessage", false),
    /** The {@code type} field names no message of this protocol version. */
    UNKNOWN_TYPE("unknownType", false),
    /** A JSON limit (depth, string length, field count) was exceeded. */
    LIMIT_EXCEEDED("limitExceeded", false),
    /** The client speaks a protocol version the server does not. */
    UNSUPPORTED_VERSION("unsupportedVersion", true),
    /** The message is not allowed in the connection's current state (e.g. comms before login). */
    UNEXPECTED_MESSAGE("unexpectedMessage", false),
    /** The handshake failed: bad signature, bad key, timeout, or a message out of order. */
    HANDSHAKE_FAILED("handshakeFailed", true),
    /** initConn names a user the server's directory does not list. */
    UNKNOWN_USER("unknownUser", true),
    /** initConn names a user whose key the admin revoked (docs/protocol.md, "The directory log"). */
    REVOKED("revoked", true),
    /** A signature on addUser or comms does not verify with the sender's directory key. */
    BAD_SIGNATURE("badSignature", false),
    /** The sender or inviter is not a member of the channel, or claims to be someone else. */
    NOT_MEMBER("notMember", false),
    /** A channel with that name exists already. */
    CHANNEL_EXISTS("channelExists", false),
    /** No channel has that name. */
    NO_SUCH_CHANNEL("noSuchChannel", false),
    /** A removal or a promotion to admin signed by a member who is not an admin of the channel. */
    NOT_ADMIN("notAdmin", false),
    /** The member named as subject of a removal or promotion is an admin already (promotion) or not a member (removal). */
    BAD_SUBJECT("badSubject", false),
    /**
     * A member left or was removed and the channel waits for a key rotation: until a rotate
     * is accepted, only member changes and rotates are (messages and invitations are not).
     */
    ROTATION_PENDING("rotationPending", false),
    /** A rotate's keys do not go to exactly the channel's current members. */
    STALE_MEMBERS("staleMembers", false),
    /** The invitee is a member already. */
    ALREADY_MEMBER("alreadyMember", false),
    /** The invitee is not in the directory. */
    UNKNOWN_INVITEE("unknownInvitee", false),
    /** userSeq is not greater than the sender's last accepted userSeq; the error's userSeq field carries that last value. */
    STALE_USER_SEQ("staleUserSeq", false),
    /** The key epoch is not the channel's current epoch. */
    WRONG_EPOCH("wrongEpoch", false),
    /** The sender's view names a channelSeq the channel has not reached. */
    BAD_VIEW("badView", false),
    /**
     * The entry would go past the sender's storage quota, the server's total, or the free
     * space the server keeps on its disk: nothing was stored. Departures and rotations are
     * never refused for this.
     */
    STORAGE_FULL("storageFull", false),
    /** Connection limit reached (in total or for this user). */
    TOO_MANY_CONNECTIONS("tooManyConnections", true),
    /** No frame for longer than the idle limit. */
    IDLE_TIMEOUT("idleTimeout", true),
    /** The outbound queue of this connection overflowed: the client reads too slowly. */
    TOO_SLOW("tooSlow", true),
    /** The server is shutting down. */
    SHUTTING_DOWN("shuttingDown", true),
    /** The server failed internally (e.g. its storage failed); nothing was accepted. */
    INTERNAL_ERROR("internalError", true);

    private static final Map<String, ErrorCode> BY_WIRE = Arrays.stream(values())
            .collect(Collectors.toUnmodifiableMap(ErrorCode::wireName, Function.identity()));

    private final String wireName;
    private final boolean endsConnection;

    ErrorCode(String wireName, boolean endsConnection) {
        this.wireName = wireName;
        this.endsConnection = endsConnection;
    }

    public String wireName() {
        return wireName;
    }

    public boolean endsConnection() {
        return endsConnection;
    }

    public static ErrorCode fromWire(String name) {
        return BY_WIRE.get(name);
    }
}
