package chat.storage;

/** What a journal entry records. The byte codes are part of the on-disk format. */
public enum EntryKind {
    /** A user created the channel; always seq 1, actor and subject are the creator. */
    CREATE(1),
    /** A member invited the subject into the channel. */
    INVITE(2),
    /** A member sent a message; there is no subject. */
    MESSAGE(3),
    /** The actor left the channel; the subject is the actor. */
    LEAVE(4),
    /** An admin (the actor) removed the subject, another member. */
    REMOVE(5),
    /** An admin (the actor) made the subject, another member, an admin. */
    ADMIN(6),
    /** A member started the channel's next key epoch; there is no subject. */
    ROTATE(7),
    /**
     * What is left of a MESSAGE past the retention period: its seq, timestamp, actor,
     * userSeq and chain head, with an empty payload. Written only by compaction, never
     * appended.
     */
    EXPIRED(8);

    private final int code;

    EntryKind(int code) {
        this.code = code;
    }

    /** Whether the entry ends the subject's membership. */
    public boolean isDeparture() {
        return this == LEAVE || this == REMOVE;
    }

    /** The byte that stands for this kind on disk. */
    public int code() {
        return code;
    }

    /** The kind for an on-disk byte, or {@code null} if the byte names none. */
    public static EntryKind ofCode(int code) {
        return switch (code) {
            case 1 -> CREATE;
            case 2 -> INVITE;
            case 3 -> MESSAGE;
            case 4 -> LEAVE;
            case 5 -> REMOVE;
            case 6 -> ADMIN;
            case 7 -> ROTATE;
            case 8 -> EXPIRED;
            default -> null;
        };
    }
}
