package chat.client.internal;

import chat.client.ClientEvent;
import java.lang.System.Logger.Level;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Hands events to the frontend on one thread of their own, in order, so a frontend that
 * takes its time (a terminal redraw) never holds up the connection or the client's state.
 */
final class EventDispatcher implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger("chat.client");

    private final Consumer<ClientEvent> listener;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "chat-client-events");
        t.setDaemon(true);
        return t;
    });

    EventDispatcher(Consumer<ClientEvent> listener) {
        this.listener = listener;
    }

    void emit(ClientEvent event) {
        try {
            thread.execute(() -> {
                try {
                    listener.accept(event);
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "frontend failed on a " + event.getClass().getSimpleName() + " event", e);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException ignored) {
            // closed: nobody listens any more
        }
    }

    /** Runs {@code task} on the event thread after every event emitted so far. */
    void run(Runnable task) {
        try {
            thread.execute(task);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            task.run();
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
