package chat.storage;

import java.util.Arrays;
import java.util.Objects;

/**
 * One journal entry: a channel creation, an invitation, a message, a membership change
 * or a key rotation, as the server accepted it.
 *
 * <p><b>Array ownership.</b> {@code head} and {@code payload} are neither copied on the way
 * in nor on the way out: payloads reach 1 MiB and are read on the replay path, so a copy
 * per access would cost more than everything else the store does. Whoever builds an entry
 * hands its arrays over and must not modify them afterwards; whoever reads an entry must
 * treat the arrays the accessors return as read-only. The same rule holds for every array
 * in this package's values.
 *
 * @param channel   channel name, 1..{@value #MAX_NAME_CHARS} chars
 * @param seq       the channel sequence number, assigned by the server; contiguous per
 *                  channel from 1, and 1 exactly for {@link EntryKind#CREATE}
 * @param timestamp server time, epoch milliseconds (not negative)
 * @param kind      what the entry records
 * @param actor     the user who sent it, 1..{@value #MAX_NAME_CHARS} chars
 * @param subject   whose membership it changes: equal to {@code actor} for CREATE and LEAVE,
 *                  another user for INVITE, REMOVE and ADMIN, {@code null} for MESSAGE and ROTATE
 * @param userSeq   the actor's per-user sequence number (positive)
 * @param head      the {@value #HEAD_BYTES}-byte hash-chain head after this entry; opaque here
 * @param payload   the signed, encrypted frame, at most {@value #MAX_PAYLOAD_BYTES} bytes; opaque here
 */
public record StoredEntry(String channel, long seq, long timestamp, EntryKind kind, String actor,
                          String subject, long userSeq, byte[] head, byte[] payload) {

    /** Longest channel or user name, in UTF-16 chars. */
    public static final int MAX_NAME_CHARS = 64;
    /** Size of the hash-chain head. */
    public static final int HEAD_BYTES = 32;
    /** Largest payload: a 1 MiB frame plus room for its envelope. */
    public static final int MAX_PAYLOAD_BYTES = 2 * 1024 * 1024;

    public StoredEntry {
        Names.check("channel", channel, MAX_NAME_CHARS);
        Objects.requireNonNull(kind, "kind");
        Names.check("actor", actor, MAX_NAME_CHARS);
        if (seq < 1) {
            throw new IllegalArgumentException("seq " + seq + " must be at least 1");
        }
        if ((kind == EntryKind.CREATE) != (seq == 1)) {
            throw new IllegalArgumentException(kind == EntryKind.CREATE
                    ? "CREATE must have seq 1, not " + seq
                    : kind + " must have seq 2 or more, not " + seq);
        }
        if (timestamp < 0) {
            throw new IllegalArgumentException("timestamp " + timestamp + " is negative");
        }
        switch (kind) {
            case CREATE -> {
                if (!actor.equals(subject)) {
                    throw new IllegalArgumentException("CREATE subject " + subject + " must equal the actor " + actor);
                }
            }
            case LEAVE -> {
                if (!actor.equals(subject)) {
                    throw new IllegalArgumentException("LEAVE subject " + subject + " must equal the actor " + actor);
                }
            }
            case INVITE -> Names.check("subject", subject, MAX_NAME_CHARS);
            case REMOVE, ADMIN -> {
                Names.check("subject", subject, MAX_NAME_CHARS);
                if (actor.equals(subject)) {
                    throw new IllegalArgumentException(kind + " subject must be another user than the actor " + actor);
                }
            }
            case MESSAGE, ROTATE, EXPIRED -> {
                if (subject != null) {
                    throw new IllegalArgumentException(kind + " must have no subject, has " + subject);
                }
            }
        }
        if (userSeq < 1) {
            throw new IllegalArgumentException("userSeq " + userSeq + " must be at least 1");
        }
        Objects.requireNonNull(head, "head");
        if (head.length != HEAD_BYTES) {
            throw new IllegalArgumentException("head has " + head.length + " bytes, must have " + HEAD_BYTES);
        }
        Objects.requireNonNull(payload, "payload");
        if (kind == EntryKind.EXPIRED && payload.length != 0) {
            throw new IllegalArgumentException("EXPIRED must have an empty payload, has " + payload.length + " bytes");
        }
        if (payload.length > MAX_PAYLOAD_BYTES) {
            throw new IllegalArgumentException("payload of " + payload.length
                    + " bytes exceeds the limit of " + MAX_PAYLOAD_BYTES);
        }
    }

    /**
     * What compaction keeps of this MESSAGE once it is past the retention period: everything
     * but the payload, as kind EXPIRED.
     *
     * @throws IllegalStateException this is not a MESSAGE
     */
    public StoredEntry expired() {
        if (kind != EntryKind.MESSAGE) {
            throw new IllegalStateException("only a MESSAGE expires, not " + kind);
        }
        return new StoredEntry(channel, seq, timestamp, EntryKind.EXPIRED, actor, null, userSeq, head, new byte[0]);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StoredEntry e
                && seq == e.seq && timestamp == e.timestamp && userSeq == e.userSeq && kind == e.kind
                && channel.equals(e.channel) && actor.equals(e.actor) && Objects.equals(subject, e.subject)
                && Arrays.equals(head, e.head) && Arrays.equals(payload, e.payload);
    }

    @Override
    public int hashCode() {
        return Objects.hash(channel, seq, timestamp, kind, actor, subject, userSeq,
                Arrays.hashCode(head), Arrays.hashCode(payload));
    }

    /** Names the entry without dumping its bytes (payloads are large and opaque). */
    @Override
    public String toString() {
        return "StoredEntry[" + channel + "#" + seq + " " + kind + " by " + actor
                + (subject == null ? "" : " -> " + subject) + ", userSeq " + userSeq
                + ", t=" + timestamp + ", payload " + payload.length + " bytes]";
    }
}
