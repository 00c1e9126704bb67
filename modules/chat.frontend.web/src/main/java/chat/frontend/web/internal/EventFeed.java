package chat.frontend.web.internal;

import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Live events for the open pages (Server-Sent Events). Each page has its own bounded queue:
 * the client's event thread only offers to it and never waits for a slow page; a page that
 * falls {@link #QUEUE} events behind is cut off, and the page then reconnects and reloads its
 * state. Locking: the set of subscribers is concurrent; each queue is its own.
 */
public final class EventFeed {

    static final int QUEUE = 1024;

    /** Marks the end of a subscription (feed closed or the page too slow). */
    private static final String END = new String("end");

    private final Set<Subscription> subscriptions = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    public final class Subscription implements AutoCloseable {
        private final BlockingQueue<String> queue = new ArrayBlockingQueue<>(QUEUE + 1);

        /** The next event's JSON; empty after {@code wait} with none; null once ended. */
        public Optional<String> next(long waitMillis) throws InterruptedException {
            String e = queue.poll(waitMillis, TimeUnit.MILLISECONDS);
            if (e == END) { // identity: the marker, not a text equal to it
                queue.offer(END);
                return null;
            }
            return Optional.ofNullable(e);
        }

        void offer(String json) {
            if (queue.remainingCapacity() <= 1 || !queue.offer(json)) {
                end();
            }
        }

        void end() {
            subscriptions.remove(this);
            queue.clear();
            queue.offer(END);
        }

        @Override
        public void close() {
            subscriptions.remove(this);
        }
    }

    public Subscription subscribe() {
        Subscription s = new Subscription();
        subscriptions.add(s);
        if (closed) {
            s.end();
        }
        return s;
    }

    public void publish(String json) {
        for (Subscription s : subscriptions) {
            s.offer(json);
        }
    }

    /** Ends every subscription, now and later. */
    public void close() {
        closed = true;
        for (Subscription s : subscriptions) {
            s.end();
        }
    }
}
