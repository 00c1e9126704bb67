package chat.bench;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * The latency histogram all readers record into at once, and the main thread snapshots
 * every second (for the per-second p99) and at the edges of the measurement window. Only
 * as many readers as there are carrier threads run at a time, so the counters see little
 * contention.
 */
final class LatencyRecorder {

    private final AtomicLongArray counts = new AtomicLongArray(LatencyHistogram.BUCKETS);
    private final LongAdder sum = new LongAdder();
    private final AtomicLong max = new AtomicLong();

    void record(long micros) {
        long v = Math.max(0, micros);
        counts.incrementAndGet(LatencyHistogram.index(v));
        sum.add(v);
        if (v > max.get()) {
            max.accumulateAndGet(v, Math::max);
        }
    }

    /** A copy; counts recorded while it is taken may be in it or not, each whole. */
    LatencyHistogram snapshot() {
        long[] c = new long[LatencyHistogram.BUCKETS];
        long n = 0;
        for (int i = 0; i < c.length; i++) {
            c[i] = counts.get(i);
            n += c[i];
        }
        return new LatencyHistogram(c, n, max.get(), sum.sum());
    }
}
