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
 * {@link PendingOp#held()}) is replaced the same way when it is signed at last. A signed op
 * is handed to {@code transmit} once its record is durable ({@link OutboxCommitter}), in the
 * order the ops were signed.
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
    private final OutboxCommitter committer;
    /** Held ops in the outbox: none (the usual case) spares a walk through it after every entry. */
    private int held;
    /** Creates, invites and rotations in the outbox per channel: none spares a walk through it per command. */
    private final Map<String, Integer> barriers = new HashMap<>();
    /** Rotations in the outbox per channel. */
    private final Map<String, Integer> rotations = new HashMap<>();
    /**
     * The ops by userSeq, which is unique among them: a held op reserves the next one (see
     * {@link LocalState#putPending}), a signed or re-signed op takes a new one.
     */
    private final Map<Long, PendingOp> byUserSeq = new HashMap<>();
    private BiConsumer<PendingOp, CommandException> onSettled = (op, why) -> { };

    /** {@code transmit} sends a signed op (if connected) once it is durable; it runs under {@code monitor}. */
    Outbox(LocalState state, EventDispatcher events, Object monitor, Consumer<PendingOp> transmit) {
        this.state = state;
        this.events = events;
        this.monitor = monitor;
        this.committer = new OutboxCommitter(state, monitor, transmit, (op, e) -> fail(op,
                CommandException.local("cannot queue the message in the local state: " + e.getMessage())));
        for (PendingOp op : state.pending) {
            futures.put(op.userSeq(), new CompletableFuture<>()); // restored from disk: nobody waits on it
            count(op, 1);
        }
    }

    /** Starts the group commit (a thread). */
    void start() {
        committer.start();
    }

    /** Stops the group commit; called without the monitor, before the state is closed. */
    void close() {
        committer.close();
    }

    /** Whether {@code op} is durable, hence may be sent (one restored from disk is). */
    boolean durable(PendingOp op) {
        return !committer.waits(op);
    }

    /** Whether any op is held (waits to be signed). */
    boolean anyHeld() {
        return held > 0;
    }

    /** fsyncs of the group commit so far (a test hook). */
    long commits() {
        synchronized (monitor) {
            return committer.commits;
        }
    }

    /** Keeps the counts and the index up to date as {@code op} enters (+1) or leaves (-1) the outbox. */
    private void count(PendingOp op, int delta) {
        if (op.held()) {
            held += delta;
        }
        if (op.isBarrier()) {
            barriers.merge(op.channel(), delta, Integer::sum);
        }
        if (op.kind() == PendingOp.Kind.ROTATE) {
            rotations.merge(op.channel(), delta, Integer::sum);
        }
        if (delta > 0) {
            byUserSeq.put(op.userSeq(), op);
        } else {
            byUserSeq.remove(op.userSeq(), op);
        }
    }

    /** Whether a command on {@code channel} given now must wait: a create, invite or rotation of it is in the outbox. */
    boolean waitsFor(String channel) {
        return barriers.getOrDefault(channel, 0) > 0;
    }

    /** Whether a rotation of {@code channel} is in the outbox. */
    boolean rotationQueued(String channel) {
        return rotations.getOrDefault(channel, 0) > 0;
    }

    /** Called after each op ends, with its refusal (null when acknowledged). */
    void onSettled(BiConsumer<PendingOp, CommandException> listener) {
        this.onSettled = listener;
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

    /**
     * Queues {@code op}; its future completes when it ends. A signed op is transmitted once
     * its record is durable.
     */
    CompletableFuture<Long> add(PendingOp op, String tag) throws IOException {
        long upTo = state.putPending(op, null);
        state.pending.add(op);
        count(op, 1);
        CompletableFuture<Long> future = new CompletableFuture<>();
        futures.put(op.userSeq(), future);
        if (tag != null) {
            tags.put(op.userSeq(), tag);
        }
        if (!op.held()) {
            committer.stage(op, upTo);
        }
        return future;
    }

    PendingOp withUserSeq(long userSeq) {
        return byUserSeq.get(userSeq);
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
        PendingOp op = byUserSeq.get(entry.userSeq());
        return op != null && Arrays.equals(ChannelLedger.unstamped(entry), op.message()) ? op : null;
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
        long upTo = state.putPending(again, op.userSeq());
        state.pending.set(state.pending.indexOf(op), again);
        committer.forget(op);
        count(op, -1);
        count(again, 1);
        if (!again.held()) {
            committer.stage(again, upTo);
        }
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
        committer.forget(op);
        count(op, -1);
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
