package chat.bench;

/**
 * Latencies in microseconds, in log-linear buckets (64 per power of two, so a reported
 * percentile is at most 1.6 % above the true value). A plain value, filled by one thread
 * or copied out of a {@link LatencyRecorder}; {@link #minus} gives the histogram of what
 * was recorded between two snapshots.
 */
final class LatencyHistogram {

    private static final int SUB = 64;
    private static final int EXACT = 2 * SUB;
    static final int BUCKETS = EXACT + 58 * SUB;

    final long[] counts;
    private long count;
    private long max;
    private long sum;

    LatencyHistogram() {
        this(new long[BUCKETS], 0, 0, 0);
    }

    LatencyHistogram(long[] counts, long count, long max, long sum) {
        this.counts = counts;
        this.count = count;
        this.max = max;
        this.sum = sum;
    }

    void record(long micros) {
        long v = Math.max(0, micros);
        counts[index(v)]++;
        count++;
        sum += v;
        if (v > max) {
            max = v;
        }
    }

    void add(LatencyHistogram other) {
        for (int i = 0; i < BUCKETS; i++) {
            counts[i] += other.counts[i];
        }
        count += other.count;
        sum += other.sum;
        max = Math.max(max, other.max);
    }

    /**
     * What was recorded after {@code earlier} (a snapshot of the same recorder). The max is
     * the bound of the highest bucket that changed, capped by the overall max.
     */
    LatencyHistogram minus(LatencyHistogram earlier) {
        long[] d = new long[BUCKETS];
        long n = 0;
        long top = 0;
        for (int i = 0; i < BUCKETS; i++) {
            d[i] = counts[i] - earlier.counts[i];
            n += d[i];
            if (d[i] > 0) {
                top = Math.min(upperBound(i), max);
            }
        }
        return new LatencyHistogram(d, n, top, sum - earlier.sum);
    }

    long count() {
        return count;
    }

    long max() {
        return max;
    }

    double mean() {
        return count == 0 ? 0 : (double) sum / count;
    }

    /** The smallest bucket bound at or above which {@code q} (0..1) of the values lie; 0 when empty. */
    long percentile(double q) {
        if (count == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(q * count));
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return Math.min(upperBound(i), max);
            }
        }
        return max;
    }

    static int index(long v) {
        if (v < EXACT) {
            return (int) v;
        }
        int shift = 63 - Long.numberOfLeadingZeros(v) - 6; // v >> shift is in [64, 128)
        return EXACT + (shift - 1) * SUB + (int) ((v >> shift) - SUB);
    }

    /** The largest value that falls into bucket {@code i}. */
    static long upperBound(int i) {
        if (i < EXACT) {
            return i;
        }
        int shift = (i - EXACT) / SUB + 1;
        long mantissa = (i - EXACT) % SUB + SUB;
        return ((mantissa + 1) << shift) - 1;
    }
}
