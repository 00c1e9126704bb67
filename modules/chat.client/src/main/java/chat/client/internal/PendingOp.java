package chat.client.internal;

import chat.protocol.json.JsonException;
import chat.protocol.json.JsonValue;
import chat.protocol.json.ObjectBuilder;
import chat.protocol.json.ObjectReader;
import java.util.Set;

/**
 * A command given but not yet acknowledged, kept in the sealed outbox so that it survives
 * a restart. {@code message} is the signed entry as last sent; if the server says its
 * userSeq was used meanwhile (another device of ours), the op is signed again with a new
 * one from {@code kind}, {@code channel}, {@code argument} and {@code channelKey}.
 * {@code message} is null while the op is held (an invite or send waiting for an earlier
 * create or invite of the same channel): {@code userSeq} then only reserves its place,
 * and it gets a fresh one when it is signed.
 */
record PendingOp(Kind kind, String channel, String argument, byte[] channelKey, long userSeq, byte[] message) {

    /**
     * What the command does. For REMOVE and ADMIN {@code argument} is the member; for ROTATE
     * it is {@link #AUTO} or {@link #ON_DEMAND} followed by a space and the epoch current when
     * it was given, and {@code channelKey} is the new key.
     */
    enum Kind { CREATE, INVITE, SEND, LEAVE, REMOVE, ADMIN, ROTATE }

    static final String AUTO = "auto";
    static final String ON_DEMAND = "asked";

    private static final Set<String> FIELDS = Set.of("kind", "channel", "argument", "channelKey", "userSeq", "message");

    JsonValue.JsonObject toJson() {
        return ObjectBuilder.create().put("kind", kind.name()).put("channel", channel).put("argument", argument)
                .put("channelKey", channelKey).put("userSeq", userSeq).put("message", message).build();
    }

    static PendingOp fromJson(ObjectReader r) throws JsonException {
        r.only(FIELDS);
        Kind kind;
        try {
            kind = Kind.valueOf(r.string("kind"));
        } catch (IllegalArgumentException e) {
            throw new JsonException("pending: unknown kind " + r.string("kind"), false);
        }
        return new PendingOp(kind, r.string("channel"), r.optionalString("argument"),
                r.has("channelKey") ? r.bytes("channelKey") : null, r.integer("userSeq"),
                r.has("message") ? r.bytes("message") : null);
    }

    boolean held() {
        return message == null;
    }

    /** Whether commands given after this one on its channel wait for its answer. */
    boolean isBarrier() {
        return kind == Kind.CREATE || kind == Kind.INVITE || kind == Kind.ROTATE;
    }

    /** The command as a person would name it, for messages: "create #x", "invite bob to #x". */
    String describe() {
        return switch (kind) {
            case CREATE -> "create #" + channel;
            case INVITE -> "invite " + argument + " to #" + channel;
            case SEND -> "send to #" + channel;
            case LEAVE -> "leave #" + channel;
            case REMOVE -> "remove " + argument + " from #" + channel;
            case ADMIN -> "make " + argument + " an admin of #" + channel;
            case ROTATE -> "rotate the key of #" + channel;
        };
    }

    /** A rotation the client started by itself (after a departure, or by age), not one asked for. */
    boolean automatic() {
        return kind == Kind.ROTATE && argument.startsWith(AUTO);
    }

    /** For a rotation: the epoch that was current when it was given. */
    long rotateFrom() {
        return Long.parseLong(argument.substring(argument.indexOf(' ') + 1));
    }

    /** The same command, unsigned again: it waits until the channel has moved on (see ClientCore#retryLater). */
    PendingOp unsigned() {
        return new PendingOp(kind, channel, argument, channelKey, userSeq, null);
    }

    PendingOp resigned(long newUserSeq, byte[] newMessage) {
        return new PendingOp(kind, channel, argument, channelKey, newUserSeq, newMessage);
    }
}
