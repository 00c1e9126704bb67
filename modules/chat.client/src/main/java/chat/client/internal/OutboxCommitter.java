package chat.client.internal;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * The outbox's group commit, as the server's journal does it. A signed command is sent only
 * once its record in {@code outbox.log} is durable: were it sent first, a crash could leave
 * the server holding a command that this device has no record of (a restart would neither
 * recognise its echo nor know it was given), or hold an older record of it (a re-signed
 * op sent under its new userSeq, then signed a third time at the restart: a duplicate).
 * But one fsync covers every command queued while the previous fsync ran, so a bot that
 * pipes its commands pays one fsync per batch, not per command.
 *
 * <p>Commands are staged in the order their records were appended, which is the order of
 * their userSeqs, and released in that order, each at the end of the first fsync that
 * began after its record was written. An op settled or replaced while it waits is forgotten
 * and never released.
 *
 * <p>Every command leaves two or three records in the outbox (queued, signed, done). When the
 * dead ones are many ({@link LocalState#outboxWorthCompacting}), this thread rewrites the
 * file with only the live commands, under the monitor and between two fsyncs, which makes
 * every staged command durable at once; also when the last commands of a burst have ended
 * and nothing more is staged, so that an idle bot does not keep a large file.
 *
 * <p>Locking: everything here is guarded by {@code monitor} (the owning {@link ClientCore}'s),
 * which the callbacks run under, except the fsync itself: the committer thread runs it
 * without the monitor, so that commands keep being queued, and entries applied, meanwhile.
 */
final class OutboxCommitter implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger("chat.client");

    private record Staged(PendingOp op, long upTo) {
    }

    private final LocalState state;
    private final Object monitor;
    private final Consumer<PendingOp> release;
    private final BiConsumer<PendingOp, IOException> failed;
    private final IntSupplier liveCount;
    private final Supplier<List<PendingOp>> live;
    private final ArrayDeque<Staged> queue = new ArrayDeque<>();
    /** The staged ops still to be released (by identity: two ops may be equal records). */
    private final Set<PendingOp> waiting = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Thread thread;
    private boolean closed;
    /** fsyncs done (a test hook: a batch of commands takes fewer than one each). */
    long commits;
    /** Rewrites of the outbox done while running (a test hook). */
    long compactions;
    /** After a rewrite failed: the outbox's record count before which none is tried again. */
    private long noCompactionBefore;

    /**
     * {@code release} gets each op once its record is durable, {@code failed} each op whose
     * fsync failed; both run under {@code monitor}. {@code live} gives the commands not yet
     * ended, in order, and {@code liveCount} how many they are (both under the monitor).
     */
    OutboxCommitter(LocalState state, Object monitor, Consumer<PendingOp> release,
                    BiConsumer<PendingOp, IOException> failed, IntSupplier liveCount,
                    Supplier<List<PendingOp>> live) {
        this.state = state;
        this.monitor = monitor;
        this.release = release;
        this.failed = failed;
        this.liveCount = liveCount;
        this.live = live;
        this.thread = Thread.ofPlatform().daemon().name("chat-client-outbox").unstarted(this::run);
    }

    void start() {
        if (state.persistent()) {
            thread.start();
        }
    }

    /**
     * Releases {@code op} once the outbox's first {@code upTo} records are durable (what
     * {@link LocalState#putPending} returned for its record); at once if nothing is stored.
     */
    void stage(PendingOp op, long upTo) {
        if (!state.persistent()) {
            release.accept(op);
            return;
        }
        queue.add(new Staged(op, upTo));
        waiting.add(op);
        monitor.notifyAll();
    }

    /** Whether {@code op} still waits for its fsync. */
    boolean waits(PendingOp op) {
        return waiting.contains(op);
    }

    /** {@code op} ended or was replaced: it is not to be released. */
    void forget(PendingOp op) {
        waiting.remove(op);
    }

    private void run() {
        try {
            while (true) {
                long upTo;
                synchronized (monitor) {
                    while (!closed && queue.isEmpty() && !compactionDue()) {
                        monitor.wait(); // notified when a command is staged and whenever one ends
                    }
                    if (closed) {
                        return;
                    }
                    if (compactionDue()) {
                        compact();
                        continue;
                    }
                    try {
                        upTo = state.flushOutbox();
                    } catch (IOException e) {
                        settle(Long.MAX_VALUE, e);
                        continue;
                    }
                }
                IOException failure = null;
                try {
                    state.forceOutbox(); // the group commit: without the monitor
                } catch (IOException e) {
                    failure = e;
                }
                synchronized (monitor) {
                    if (closed) {
                        return; // the state was closed (and synced): what waits is sent at the next start
                    }
                    commits++;
                    settle(upTo, failure);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean compactionDue() {
        return state.outboxRecords() >= noCompactionBefore && state.outboxWorthCompacting(liveCount.getAsInt());
    }

    /**
     * Rewrites the outbox with only the live commands. The old file is synced first, which
     * makes every staged command durable (released) or, if that fsync fails, failed as the
     * group commit fails them; a rewrite that fails after it leaves the old file in use.
     */
    private void compact() {
        try {
            state.syncOutboxAndCounter();
        } catch (IOException e) {
            noCompactionBefore = state.outboxRecords() + LocalState.compactAfter;
            settle(Long.MAX_VALUE, e);
            return;
        }
        try {
            state.compactOutbox(live.get());
            compactions++;
            noCompactionBefore = 0;
        } catch (IOException e) {
            // the old file is synced and goes on: try again once it has grown as much again
            noCompactionBefore = state.outboxRecords() + LocalState.compactAfter;
            LOG.log(System.Logger.Level.WARNING, "could not rewrite outbox.log with only the unsent commands"
                    + " (it keeps growing until the next try or start): {0}", e.toString());
        }
        settle(Long.MAX_VALUE, null);
    }

    private void settle(long upTo, IOException failure) {
        while (!queue.isEmpty() && queue.peek().upTo() <= upTo) {
            PendingOp op = queue.poll().op();
            if (waiting.remove(op)) {
                if (failure == null) {
                    release.accept(op);
                } else {
                    failed.accept(op, failure);
                }
            }
        }
    }

    /** Stops the committer (called without the monitor, before the state is closed). */
    @Override
    public void close() {
        synchronized (monitor) {
            closed = true;
            monitor.notifyAll();
        }
        try {
            if (thread.isAlive()) {
                thread.join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
