package chat.client;

/**
 * Evidence that the server (or a member) misbehaved: which channel, which entry (its
 * channelSeq, or 0 when it concerns the channel as a whole), what kind, and the detail.
 */
public record Alarm(String channel, long seq, Kind kind, String detail) {

    public enum Kind {
        /** An entry is missing: the server skipped channelSeq numbers. */
        GAP,
        /** An entry already verified came again with different content. */
        REWRITTEN,
        /** A signature does not verify with the author's key from the directory. */
        BAD_SIGNATURE,
        /** The author was not a member (by our own view) when the entry claims they acted. */
        NOT_MEMBER,
        /** A channel's first entry is not a proper creation, or a creation appears later. */
        BAD_CREATE,
        /** An invite of someone who is a member already, or not in the directory. */
        BAD_INVITE,
        /** An author's userSeq did not increase: a replayed or reordered entry. */
        REPLAYED,
        /** The author's view of the channel does not match ours: the server showed us different histories. */
        FORK,
        /** The server's timestamps went backwards. */
        TIMESTAMP,
        /** A message or key does not decrypt for us. */
        UNDECRYPTABLE,
        /** The server now shows a shorter history than we recorded. */
        SHORTER_HISTORY,
        /** The server no longer lists a channel we are a member of. */
        CHANNEL_WITHHELD,
        /** An entry uses a key epoch that is not the channel's current one. */
        WRONG_EPOCH,
        /** A removal or promotion signed by a member who is not an admin. */
        NOT_ADMIN,
        /** A member change that the rules do not allow: removing a non-member, promoting an admin again. */
        BAD_MEMBER_CHANGE,
        /** A message or invitation under a key a departed member holds: after a departure, before the rotation. */
        STALE_KEY,
        /** A rotation whose keys do not go to exactly the channel's members. */
        BAD_ROTATION,
        /**
         * A member handed us a key that is not the one the channel uses (it does not match the
         * epoch's commitment): the detail names the member who signed it.
         */
        BAD_KEY,
        /**
         * A user's key changed: a directory version the admin signed gave a known user a new
         * key (verify it again), or the server served a directory that gives a known user
         * another key without the admin's signature (refused). Shown like a safety-number change.
         */
        KEY_CHANGED,
        /** The server served a directory older than the newest version this device holds. */
        DIRECTORY_ROLLBACK,
        /**
         * The server's directory does not extend the one this device holds (a different
         * version at the same number, a version the admin did not sign), or a member's
         * message names a directory version the server does not show us: different members
         * are shown different directories.
         */
        DIRECTORY_FORK,
        /** The server announced a last userSeq for this user that leaves no room to go on (ignored). */
        BAD_USER_SEQ
    }

    @Override
    public String toString() {
        return kind + " in " + channel + (seq > 0 ? " at #" + seq : "") + ": " + detail;
    }
}
