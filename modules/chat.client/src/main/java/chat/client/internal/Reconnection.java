package chat.client.internal;

import chat.protocol.Ping;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The timer thread, the backoff between reconnection attempts (exponential from 500 ms up
 * to the configured maximum, with jitter so that clients cut off together do not all
 * come back together) and the keep-alive: a ping every interval, and a session silent
 * for two intervals (the server answers every ping at once) is closed, which starts a
 * reconnection: a frozen server is left within three intervals, for the next address. The attempt count is
 * guarded by the owning {@link ClientCore}'s monitor.
 */
final class Reconnection {

    private final Duration maxDelay;
    private final Duration pingInterval;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "chat-client-timer");
        t.setDaemon(true);
        return t;
    });
    private int attempts;

    Reconnection(Duration maxDelay, Duration pingInterval) {
        this.maxDelay = maxDelay;
        this.pingInterval = pingInterval;
    }

    /** Schedules {@code attempt} after the next backoff delay, which it returns. */
    Duration scheduleAttempt(Runnable attempt) {
        long base = Math.min(maxDelay.toMillis(), 500L << Math.min(attempts, 16));
        attempts++;
        long jittered = base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1);
        Duration delay = Duration.ofMillis(Math.max(100, jittered));
        timer.schedule(attempt, delay.toMillis(), TimeUnit.MILLISECONDS);
        return delay;
    }

    /** A connection got through its replay: the next loss starts from the shortest delay. */
    void succeeded() {
        attempts = 0;
    }

    /** Runs {@code tick} every ping interval. */
    void startKeepAlive(Runnable tick) {
        long ping = pingInterval.toMillis();
        timer.scheduleAtFixedRate(tick, ping, ping, TimeUnit.MILLISECONDS);
    }

    /** One keep-alive tick for {@code s}: a ping, or closing it if the server went silent (then true). */
    boolean keepAlive(Session s) {
        if (s.nanosSinceLastFrame() > 2 * pingInterval.toNanos()) {
            s.close();
            return true;
        }
        s.send(new Ping());
        return false;
    }

    /** Runs {@code task} once after {@code delay}. */
    void schedule(Runnable task, Duration delay) {
        timer.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    void shutdown() {
        timer.shutdownNow();
    }
}
