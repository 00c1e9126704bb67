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
 * The commands given and not yet answered: {@link PendingOp}s, durable in {@link LocalState}'s
 * outbox log (those found there at start first) with the futures and tags of this run. Each op ends exactly
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
    /**
     * The ops in the order given, by slot (a replaced op keeps its slot), and each op's slot
     * by identity: a bot's outbox holds thousands, and an op ends or is re-signed in O(log n).
     * Starts as the ops {@link LocalState} loaded.
     */
    private final java.util.TreeMap<Long, PendingOp> ordered = new java.util.TreeMap<>();
    private final Map<PendingOp, Long> slots = new java.util.IdentityHashMap<>();
    private long nextSlot;
    /** The signed ops' entries by userSeq, for the verification pool, which reads it without the monitor. */
    private final Map<Long, byte[]> signed = new java.util.concurrent.ConcurrentHashMap<>();
    /** Held ops in the outbox: none (the usual case) spares a walk through it after every entry. */
    private int held;
    /** Where the creates, invites and rotations of each channel are in the outbox: found in O(log n), not by a walk. */
    private final Map<String, java.util.TreeSet<Long>> barriers = new HashMap<>(); // their slots
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
                CommandException.local("cannot queue the message in the local state: " + e.getMessage())),
                this::size, this::ops);
        for (PendingOp op : state.pending) {
            futures.put(op.userSeq(), new CompletableFuture<>()); // restored from disk: nobody waits on it
            enter(op, nextSlot++);
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

    /**
     * The entry this device signed with {@code userSeq} and has not seen acknowledged, or
     * null: safe without the monitor.
     */
    byte[] signedEntry(long userSeq) {
        return signed.get(userSeq);
    }

    /** Whether any op is held (waits to be signed). */
    boolean anyHeld() {
        return held > 0;
    }

    /** Rewrites of outbox.log while running, so far (a test hook). */
    long compactions() {
        synchronized (monitor) {
            return committer.compactions;
        }
    }

    /** fsyncs of the group commit so far (a test hook). */
    long commits() {
        synchronized (monitor) {
            return committer.commits;
        }
    }

    /** Puts {@code op} in the outbox at {@code slot}. */
    private void enter(PendingOp op, long slot) {
        if (!op.held()) {
            signed.put(op.userSeq(), op.message());
        }
        ordered.put(slot, op);
        slots.put(op, slot);
        if (op.isBarrier()) {
            barriers.computeIfAbsent(op.channel(), c -> new java.util.TreeSet<>()).add(slot);
        }
        count(op, 1);
    }

    /** Takes {@code op} out of the outbox; returns its slot, or -1 if it was not there. */
    private long leave(PendingOp op) {
        Long slot = slots.remove(op);
        if (slot == null) {
            return -1;
        }
        ordered.remove(slot);
        if (!op.held()) {
            signed.remove(op.userSeq(), op.message());
        }
        if (op.isBarrier()) {
            java.util.TreeSet<Long> channel = barriers.get(op.channel());
            channel.remove(slot);
            if (channel.isEmpty()) {
                barriers.remove(op.channel());
            }
        }
        count(op, -1);
        return slot;
    }

    /** Keeps the counts and the index up to date as {@code op} enters (+1) or leaves (-1) the outbox. */
    private void count(PendingOp op, int delta) {
        if (op.held()) {
            held += delta;
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
        return barriers.containsKey(channel);
    }

    /** Whether a rotation of {@code channel} is in the outbox. */
    boolean rotationQueued(String channel) {
        return rotations.getOrDefault(channel, 0) > 0;
    }

    /** Called after each op ends, with its refusal (null when acknowledged). */
    void onSettled(BiConsumer<PendingOp, CommandException> listener) {
        this.onSettled = listener;
    }

    /** The create, invite or rotation of {@code op}'s channel given before {@code op} and still in the outbox, or null. */
    PendingOp barrierBefore(PendingOp op) {
        Long slot = slots.get(op);
        java.util.TreeSet<Long> channel = barriers.get(op.channel());
        Long before = slot == null || channel == null ? null : channel.lower(slot);
        return before == null ? null : ordered.get(before);
    }

    List<PendingOp> ops() {
        return List.copyOf(ordered.values());
    }

    int size() {
        return ordered.size();
    }

    boolean isEmpty() {
        return ordered.isEmpty();
    }

    /**
     * Queues {@code op}; its future completes when it ends. A signed op is transmitted once
     * its record is durable.
     */
    CompletableFuture<Long> add(PendingOp op, String tag) throws IOException {
        long upTo = state.putPending(op, null);
        enter(op, nextSlot++);
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
        enter(again, leave(op));
        committer.forget(op);
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
        if (op == null || leave(op) < 0) {
            return;
        }
        committer.forget(op);
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
