package chat.frontend.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Runs the commands that the server must answer (messages, creates, invitations) in the
 * order they were typed, without blocking the input line. A create or an invitation must
 * be acknowledged before what follows it can work (the client cannot sign a message for a
 * channel whose creation the server has not confirmed), so the command after one waits
 * for that acknowledgement; messages need only be handed to the client in order, which
 * pipelines them. When nothing is outstanding (the usual case) a command runs at once, on
 * the caller's thread; otherwise it runs on the client's event thread when its turn comes.
 * Commands that only show something do not go through the chain at all.
 *
 * <p>Every command that had to wait is remembered, as typed, until it is handed to the
 * client: when the session ends, {@link #close} stops the chain and returns those still
 * waiting, so that none is lost without the person being told.
 *
 * <p>Invariant: {@code tail} completes once every command submitted so far has been
 * handed to the client (or dropped by {@link #close}), and every create or invite among
 * them has been answered.
 */
final class CommandChain {

    /**
     * A command as the person typed it, to show it if it is never sent: {@code text} is the
     * line to type again; {@code channel} the channel it was for (null for a create).
     */
    record Line(String text, String channel) {
    }

    private CompletableFuture<?> tail = CompletableFuture.completedFuture(null);
    /** What the latest barrier waits for ("#x to be created"): what a command chained now waits for. */
    private String awaited = "the server";
    private final List<Line> waiting = new ArrayList<>();
    private boolean closed;

    /**
     * Runs {@code command} after those before it, and returns its future. {@code barrier},
     * when not null, makes the commands after this one wait for its answer, and says what
     * they wait for ({@code "#x to be created"}). When the command cannot run at once,
     * {@code onWait} is told what it waits for, before it can run. The command's future
     * should include its own reaction to the answer (a {@code whenComplete} stage), so the
     * next command runs after that reaction.
     */
    <T> CompletableFuture<T> submit(Line line, String barrier, Consumer<String> onWait,
                                    Supplier<CompletableFuture<T>> command) {
        CompletableFuture<Void> handedOver = new CompletableFuture<>();
        CompletableFuture<T> answered = new CompletableFuture<>();
        CompletableFuture<?> previous;
        String waitsFor;
        synchronized (this) {
            previous = tail;
            tail = barrier != null ? answered : handedOver;
            waitsFor = previous.isDone() ? null : awaited;
            if (barrier != null) {
                awaited = barrier;
            }
            if (waitsFor != null) {
                waiting.add(line);
            }
        }
        if (waitsFor != null) {
            onWait.accept(waitsFor); // before the command can run, so what it shows comes after
        }
        // Runs at once when previous is complete, else on the thread that completes it.
        previous.whenComplete((ignored, failure) -> {
            boolean dropped;
            synchronized (this) {
                dropped = waitsFor != null && closed;
                if (waitsFor != null) {
                    waiting.remove(line); // the first equal one: they are handed over in order
                }
            }
            if (dropped) {
                handedOver.complete(null);
                answered.completeExceptionally(new CancellationException("the session ended before its turn"));
                return;
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

    /** How many commands wait for an earlier one's answer (typed, not yet handed to the client). */
    synchronized int waiting() {
        return waiting.size();
    }

    /**
     * Completes (normally) once every command submitted so far has been handed over and
     * every create or invitation among them answered, refused or dropped.
     */
    synchronized CompletableFuture<Void> settled() {
        return tail.handle((value, failure) -> null);
    }

    /**
     * Ends the chain: the commands still waiting will not be run when their turn comes.
     * Returns them, in the order they were typed.
     */
    synchronized List<Line> close() {
        closed = true;
        return List.copyOf(waiting);
    }
}
