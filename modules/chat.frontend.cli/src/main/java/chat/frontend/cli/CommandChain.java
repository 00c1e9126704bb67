package chat.frontend.cli;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Runs the commands that change channels in the order they were typed, without blocking
 * the input line. A create or an invitation must be acknowledged before what follows it
 * can work (a message to a channel whose creation the server has not confirmed would be
 * refused), so the command after one waits for that acknowledgement; messages need only
 * be handed to the client in order, which pipelines them. When nothing is outstanding
 * (the usual case) a command runs at once, on the caller's thread; otherwise it runs on
 * the client's event thread when its turn comes.
 *
 * <p>Invariant: {@code tail} completes once every command submitted so far has been
 * handed to the client, and every create or invite among them has been answered.
 */
final class CommandChain {

    private CompletableFuture<?> tail = CompletableFuture.completedFuture(null);
    private int waiting;

    /**
     * Runs {@code command} after those before it; {@code barrier} when the commands after it
     * must wait for its answer. The command's future should include its own reaction to
     * the answer (a {@code whenComplete} stage), so the next command runs after that
     * reaction. Returns the command's future.
     */
    <T> CompletableFuture<T> submit(Supplier<CompletableFuture<T>> command, boolean barrier) {
        CompletableFuture<Void> handedOver = new CompletableFuture<>();
        CompletableFuture<T> answered = new CompletableFuture<>();
        CompletableFuture<?> previous;
        synchronized (this) {
            previous = tail;
            tail = barrier ? answered : handedOver;
            waiting++;
        }
        // Runs at once when previous is complete, else on the thread that completes it.
        previous.whenComplete((ignored, failure) -> {
            synchronized (this) {
                waiting--;
            }
            CompletableFuture<T> future;
            try {
                future = command.get();
            } catch (RuntimeException e) {
                future = CompletableFuture.failedFuture(e);
            }
            handedOver.complete(null);
            future.whenComplete((value, refused) -> {
                if (refused != null) {
                    answered.completeExceptionally(refused);
                } else {
                    answered.complete(value);
                }
            });
        });
        return answered;
    }

    /** Commands typed but not yet handed to the client (waiting for an acknowledgement). */
    synchronized int waiting() {
        return waiting;
    }

    /** Waits until every command submitted so far has been handed over; false on timeout. */
    boolean drain(Duration timeout) throws InterruptedException {
        CompletableFuture<?> last;
        synchronized (this) {
            last = tail;
        }
        try {
            last.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException e) {
            return true; // the last one was refused: it has been dealt with
        } catch (TimeoutException e) {
            return false;
        }
    }
}
