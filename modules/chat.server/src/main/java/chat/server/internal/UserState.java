package chat.server.internal;

import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The server's view of one user. {@link #lastUserSeq} is guarded by this object's monitor,
 * which every request of the user takes first (lock order: user, then channel). {@link #live}
 * holds the user's synced connections, the ones broadcasts go to.
 */
final class UserState {

    final String name;
    long lastUserSeq;
    /** Payload bytes of the entries this user has stored (what their quota counts); guarded like lastUserSeq. */
    long storedBytes;
    final CopyOnWriteArrayList<Connection> live = new CopyOnWriteArrayList<>();
    final AtomicInteger connections = new AtomicInteger();
    /** Theoretical arrival time of the next entry (GCRA), in System.nanoTime terms; guarded by {@link #pace}. */
    private long nextAllowed = Long.MIN_VALUE;

    UserState(String name) {
        this.name = name;
    }

    /**
     * How long an entry of this user must wait to keep them at {@code perSecond} entries per
     * second, with a burst of as many (a generic cell rate algorithm: one reservation per
     * entry, spaced 1/rate apart, up to one second ahead without waiting). Reserves the slot.
     */
    long pace(int perSecond) {
        if (perSecond <= 0) {
            return 0;
        }
        long interval = 1_000_000_000L / perSecond;
        long burst = interval * perSecond; // one second's worth
        long now = System.nanoTime();
        synchronized (this) {
            long start = nextAllowed == Long.MIN_VALUE ? now : Math.max(nextAllowed, now);
            long wait = Math.max(0, start - now - burst + interval);
            nextAllowed = start + interval;
            return wait;
        }
    }
}
