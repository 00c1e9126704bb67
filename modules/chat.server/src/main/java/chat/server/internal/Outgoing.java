package chat.server.internal;

import chat.storage.StoredEntry;

/** What a connection's writer is asked to do, in order. */
sealed interface Outgoing {

    /** Bytes this item holds in memory while queued, for the per-connection byte budget. */
    default long bytes() {
        return switch (this) {
            case Frame f -> f.json().length;
            case Entry e -> e.entry().payload().length;
            case Close c -> c.json() == null ? 0 : c.json().length;
            case ReplayChannel r -> 64;
            case ReplayDone d -> 64;
            case DirectoryFrom d -> 64;
            case DirectoryPush d -> 64;
        };
    }

    /** A message already encoded (an error, a pong). */
    record Frame(byte[] json) implements Outgoing {
    }

    /** A live channel entry, durable; skipped if the channel is not replayed yet or already sent. */
    record Entry(StoredEntry entry) implements Outgoing {
    }

    /** Send the channel's durable history after {@code afterSeq}, then mark it live. */
    record ReplayChannel(String channel, long afterSeq) implements Outgoing {
    }

    /** The sync's replays are done: send replayFinished. */
    record ReplayDone(long userSeq) implements Outgoing {
    }

    /**
     * Answer directoryGet: the versions from {@code number} (at least 1, at most the newest)
     * to the newest, of the log the server holds when the writer gets here.
     */
    record DirectoryFrom(long number) implements Outgoing {
    }

    /**
     * A new log was loaded: send the versions from the newest this connection was sent
     * (inclusive, or the new newest if the log is shorter now) to the newest, if the log
     * changed since. Resolved when the writer gets here, so never older than when queued.
     */
    record DirectoryPush() implements Outgoing {
    }

    /** Send this last message (if any), flush, and end the connection. */
    record Close(byte[] json) implements Outgoing {
    }
}
