package chat.client.internal;

import chat.client.ClientEvent;
import java.io.Flushable;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Hands events to the frontend on one thread of their own, in order, so a frontend that
 * takes its time (a terminal redraw) never holds up the connection or the client's state.
 * A listener that is also {@link Flushable} is flushed each time the queue runs empty
 * (see {@link chat.client.ChatClient#login}).
 */
final class EventDispatcher implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger("chat.client");

    private final Consumer<ClientEvent> listener;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "chat-client-events");
        t.setDaemon(true);
        return t;
    });

    /** Tasks given to the thread and not finished: the listener is flushed when it drops to 0. */
    private final AtomicInteger queued = new AtomicInteger();
    private final Flushable flushable;

    EventDispatcher(Consumer<ClientEvent> listener) {
        this.listener = listener;
        this.flushable = listener instanceof Flushable f ? f : null;
    }

    void emit(ClientEvent event) {
        try {
            queued.incrementAndGet();
            thread.execute(() -> afterwards(() -> {
                try {
                    listener.accept(event);
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "frontend failed on a " + event.getClass().getSimpleName() + " event", e);
                }
            }));
        } catch (java.util.concurrent.RejectedExecutionException ignored) {
            queued.decrementAndGet(); // closed: nobody listens any more
        }
    }

    /** Runs {@code task} on the event thread after every event emitted so far. */
    void run(Runnable task) {
        try {
            queued.incrementAndGet();
            thread.execute(() -> afterwards(task));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            queued.decrementAndGet();
            task.run();
            flush(flushable);
        }
    }

    /** Runs {@code task}, then flushes the listener if nothing else waits. */
    private void afterwards(Runnable task) {
        try {
            task.run();
        } finally {
            if (queued.decrementAndGet() == 0) {
                flush(flushable);
            }
        }
    }

    private static void flush(Flushable f) {
        if (f == null) {
            return;
        }
        try {
            f.flush();
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "frontend failed to flush its output", e);
        }
    }

    /** Waits until every event emitted so far has been handled. */
    void flush() {
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        try {
            thread.execute(done::countDown);
            done.await(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.RejectedExecutionException ignored) {
            // closed
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        thread.shutdown();
        try {
            thread.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
