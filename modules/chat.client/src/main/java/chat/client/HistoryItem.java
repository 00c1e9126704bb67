package chat.client;

import java.time.Instant;

/** One verified entry of a channel's history. */
public sealed interface HistoryItem {

    long seq();

    Instant timestamp();

    String author();

    /** A message; {@code mine} when this user sent it. */
    record Text(long seq, Instant timestamp, String author, String text, boolean mine) implements HistoryItem {
    }

    /** A member joined: {@code author} added {@code member} (equal for the channel's creation). */
    record Joined(long seq, Instant timestamp, String author, String member) implements HistoryItem {
    }

    /** What a {@link MemberChanged} changed: the member left, was removed, or was made an admin. */
    enum Change {
        LEFT("left"), REMOVED("removed"), ADMIN("admin");

        private final String wireName;

        Change(String wireName) {
            this.wireName = wireName;
        }

        /** The word the frontends print and scripts read: left, removed, admin. */
        public String wireName() {
            return wireName;
        }
    }

    /** {@code member} left ({@code author} = member), was removed by {@code author}, or was made an admin by them. */
    record MemberChanged(long seq, Instant timestamp, String author, String member, Change change) implements HistoryItem {
    }

    /** {@code author} rotated the channel key: messages from here on use key epoch {@code epoch}. */
    record Rotated(long seq, Instant timestamp, String author, long epoch) implements HistoryItem {
    }

    /**
     * Entries {@code fromSeq..seq} are messages the server no longer keeps (past its
     * retention period): what they said is gone, and the chain was taken up again from the
     * head the server gave for entry {@code seq}. {@code timestamp} is that entry's; there is
     * no author ({@link #author} is null).
     */
    record Expired(long fromSeq, long seq, Instant timestamp) implements HistoryItem {

        @Override
        public String author() {
            return null;
        }

        /** How many entries expired. */
        public long count() {
            return seq - fromSeq + 1;
        }
    }
}
