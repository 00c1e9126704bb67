package chat.frontend.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;

/** End of input waits while acknowledgements keep coming, and gives up after a quiet spell. */
class DrainTest {

    /** A client whose pending count after each wait is scripted; a wait "succeeds" when it reaches 0. */
    private static final class Scripted {
        final Deque<Integer> after;
        int pending;
        int waits;

        Scripted(int pending, List<Integer> after) {
            this.pending = pending;
            this.after = new ArrayDeque<>(after);
        }

        boolean await(Duration timeout) {
            waits++;
            if (!after.isEmpty()) {
                pending = after.poll();
            }
            return pending == 0;
        }
    }

    @Test
    void aLongDrainThatKeepsMovingIsWaitedOutToTheEnd() throws Exception {
        Scripted c = new Scripted(1_000_000, List.of(900_000, 500_000, 1, 0));
        assertThat(JsonFrontend.drain(() -> c.pending, c::await, Duration.ofSeconds(30))).isTrue();
        assertThat(c.waits).isEqualTo(4);
    }

    @Test
    void aDrainThatStopsMovingGivesUpAfterOneQuietWait() throws Exception {
        Scripted c = new Scripted(10, List.of(7, 7, 0));
        assertThat(JsonFrontend.drain(() -> c.pending, c::await, Duration.ofSeconds(30))).isFalse();
        assertThat(c.waits).as("one wait with progress, one without").isEqualTo(2);
        assertThat(c.pending).isEqualTo(7);
    }

    @Test
    void nothingPendingIsDrainedAtOnce() throws Exception {
        Scripted c = new Scripted(0, List.of());
        assertThat(JsonFrontend.drain(() -> c.pending, c::await, Duration.ofSeconds(30))).isTrue();
        assertThat(c.waits).isEqualTo(1);
    }
}
