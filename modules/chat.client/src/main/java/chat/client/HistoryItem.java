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
}
