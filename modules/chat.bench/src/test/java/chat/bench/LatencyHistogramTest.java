package chat.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

    @Test
    void bucketsCoverEveryValueAndAreTightWithinTwoPercent() {
        for (long v : new long[] {0, 1, 127, 128, 129, 255, 256, 1000, 12_345, 999_999, 60_000_000, Long.MAX_VALUE / 4}) {
            int i = LatencyHistogram.index(v);
            assertThat(LatencyHistogram.upperBound(i)).isGreaterThanOrEqualTo(v);
            assertThat(i == 0 || LatencyHistogram.upperBound(i - 1) < v).as("bucket below %d", v).isTrue();
            assertThat((double) LatencyHistogram.upperBound(i)).isLessThanOrEqualTo(v * 1.016 + 1);
        }
    }

    @Test
    void percentilesOfAUniformSpread() {
        LatencyHistogram a = new LatencyHistogram();
        LatencyHistogram b = new LatencyHistogram();
        for (int v = 1; v <= 10_000; v++) {
            (v % 2 == 0 ? a : b).record(v);
        }
        a.add(b);
        assertThat(a.count()).isEqualTo(10_000);
        assertThat(a.max()).isEqualTo(10_000);
        assertThat(a.percentile(0.5)).isBetween(5_000L, 5_080L);
        assertThat(a.percentile(0.99)).isBetween(9_900L, 10_000L);
        assertThat(a.percentile(1.0)).isEqualTo(10_000);
        assertThat(new LatencyHistogram().percentile(0.99)).isZero();
    }
}
