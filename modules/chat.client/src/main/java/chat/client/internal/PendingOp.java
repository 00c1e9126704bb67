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

    enum Kind { CREATE, INVITE, SEND }

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
        return kind == Kind.CREATE || kind == Kind.INVITE;
    }

    /** The command as a person would name it, for messages: "create #x", "invite bob to #x". */
    String describe() {
        return switch (kind) {
            case CREATE -> "create #" + channel;
            case INVITE -> "invite " + argument + " to #" + channel;
            case SEND -> "send to #" + channel;
        };
    }

    PendingOp resigned(long newUserSeq, byte[] newMessage) {
        return new PendingOp(kind, channel, argument, channelKey, newUserSeq, newMessage);
    }
}
