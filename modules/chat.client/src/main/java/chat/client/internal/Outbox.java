package chat.client.internal;

import chat.client.CommandException;
import chat.protocol.ChannelEntry;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The commands given and not yet answered: the {@link PendingOp}s of {@link LocalState}
 * (durable in its outbox log) with the futures and tags of this run. Each op ends exactly
 * once, in {@link #settle}: acknowledged (its echo arrived, or the replay shows it
 * accepted) or failed (refused). An op whose userSeq was taken is {@link #replace}d by the
 * same command signed again, keeping its future and tag; a held op (see
 * {@link PendingOp#held()}) is replaced the same way when it is signed at last.
 *
 * <p>Not thread-safe: guarded by {@code monitor}, the owning {@link ClientCore}'s, which
 * every caller holds and which is notified whenever an op ends.
 */
final class Outbox {

    private static final System.Logger LOG = System.getLogger("chat.client");

    private final LocalState state;
    private final EventDispatcher events;
    private final Object monitor;
    private final Map<Long, CompletableFuture<Long>> futures = new HashMap<>();
    private final Map<Long, String> tags = new HashMap<>();
    private BiConsumer<PendingOp, CommandException> onSettled = (op, why) -> { };

    Outbox(LocalState state, EventDispatcher events, Object monitor) {
        this.state = state;
        this.events = events;
        this.monitor = monitor;
        for (PendingOp op : state.pending) {
            futures.put(op.userSeq(), new CompletableFuture<>()); // restored from disk: nobody waits on it
        }
    }

    /** Called after each op ends, with its refusal (null when acknowledged). */
    void onSettled(BiConsumer<PendingOp, CommandException> listener) {
        this.onSettled = listener;
    }

    /**
     * The create or invite that a command on {@code channel} given now must wait for: the
     * latest one of that channel still in the outbox, or null.
     */
    PendingOp barrierFor(String channel) {
        PendingOp barrier = null;
        for (PendingOp op : state.pending) {
            if (op.isBarrier() && op.channel().equals(channel)) {
                barrier = op;
            }
        }
        return barrier;
    }

    /** The create or invite of {@code op}'s channel given before {@code op} and still in the outbox, or null. */
    PendingOp barrierBefore(PendingOp op) {
        PendingOp barrier = null;
        for (PendingOp earlier : state.pending) {
            if (earlier == op) {
                return barrier;
            }
            if (earlier.isBarrier() && earlier.channel().equals(op.channel())) {
                barrier = earlier;
            }
        }
        return barrier;
    }

    List<PendingOp> ops() {
        return List.copyOf(state.pending);
    }

    int size() {
        return state.pending.size();
    }

    boolean isEmpty() {
        return state.pending.isEmpty();
    }

    /** Queues {@code op} durably; its future completes when it ends. */
    CompletableFuture<Long> add(PendingOp op, String tag) throws IOException {
        state.putPending(op, null);
        state.pending.add(op);
        CompletableFuture<Long> future = new CompletableFuture<>();
        futures.put(op.userSeq(), future);
        if (tag != null) {
            tags.put(op.userSeq(), tag);
        }
        return future;
    }

    PendingOp withUserSeq(long userSeq) {
        PendingOp found = null;
        for (PendingOp op : state.pending) {
            if (op.userSeq() == userSeq) {
                found = op;
            }
        }
        return found;
    }

    /**
     * The op that {@code entry} is the echo of, or null. Matched on the signed content, not
     * on userSeq alone: another device of ours may have used the same userSeq at the same
     * time, and its entry must not acknowledge ours (ours is then refused as stale and
     * signed again).
     */
    PendingOp echoedBy(ChannelEntry entry, String me) {
        if (!entry.author().equals(me)) {
            return null;
        }
        long userSeq = entry.userSeq();
        for (PendingOp op : state.pending) {
            if (op.userSeq() == userSeq) {
                return Arrays.equals(ChannelLedger.unstamped(entry), op.message()) ? op : null;
            }
        }
        return null;
    }

    /** The tag given with {@code op} (null if none, or if {@code op} is null); given out once. */
    String takeTag(PendingOp op) {
        return op == null ? null : tags.remove(op.userSeq());
    }

    void acknowledge(PendingOp op, long channelSeq) {
        settle(op, null, f -> f.complete(channelSeq));
    }

    void fail(PendingOp op, CommandException why) {
        settle(op, why, f -> f.completeExceptionally(why));
    }

    /** Puts {@code again} (the same command with a new userSeq) in the place of {@code op}. */
    void replace(PendingOp op, PendingOp again) throws IOException {
        state.putPending(again, op.userSeq());
        state.pending.set(state.pending.indexOf(op), again);
        CompletableFuture<Long> f = futures.remove(op.userSeq());
        if (f != null) {
            futures.put(again.userSeq(), f);
        }
        String tag = tags.remove(op.userSeq());
        if (tag != null) {
            tags.put(again.userSeq(), tag);
        }
    }

    private void settle(PendingOp op, CommandException why, Consumer<CompletableFuture<Long>> outcome) {
        if (op == null || !state.pending.remove(op)) {
            return;
        }
        try {
            state.donePending(op.userSeq());
        } catch (IOException e) {
            LOG.log(Level.WARNING, "could not update the outbox: {0}", e.toString());
        }
        tags.remove(op.userSeq());
        CompletableFuture<Long> f = futures.remove(op.userSeq());
        if (f != null) {
            events.run(() -> outcome.accept(f));
        }
        monitor.notifyAll();
        onSettled.accept(op, why);
    }
}
