package chat.bench;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * When each message was sent, keyed by (sender, userSeq), so that every member's reader can
 * compute its delivery latency without the send time travelling inside the ciphertext.
 * Each sender has a ring of the last {@code capacity} sends; a slot holds the userSeq and
 * the nanoTime. The sender writes seq = -1, the time, then the seq; a reader accepts the
 * time only if it read the expected seq before and after it (a seqlock). A delivery that
 * arrives after its slot was reused (the reader lagged {@code capacity} messages behind the
 * sender) is counted as unmatched, never given a wrong time.
 */
final class SendTimes {

    private final AtomicLongArray[] rings;
    private final int mask;

    SendTimes(int senders, int capacity) {
        if (Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two, got " + capacity);
        }
        this.rings = new AtomicLongArray[senders];
        this.mask = capacity - 1;
        for (int i = 0; i < senders; i++) {
            rings[i] = new AtomicLongArray(2 * capacity);
        }
    }

    void sent(int sender, long userSeq, long nanoTime) {
        AtomicLongArray ring = rings[sender];
        int slot = 2 * (int) (userSeq & mask);
        ring.set(slot, -1);
        ring.set(slot + 1, nanoTime);
        ring.set(slot, userSeq);
    }

    /** The send time, or {@link Long#MIN_VALUE} if it is no longer (or not yet) known. */
    long sentAt(int sender, long userSeq) {
        AtomicLongArray ring = rings[sender];
        int slot = 2 * (int) (userSeq & mask);
        if (ring.get(slot) != userSeq) {
            return Long.MIN_VALUE;
        }
        long time = ring.get(slot + 1);
        return ring.get(slot) == userSeq ? time : Long.MIN_VALUE;
    }
}
