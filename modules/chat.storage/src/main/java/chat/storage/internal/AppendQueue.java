package chat.storage.internal;

import chat.storage.AppendCallback;
import chat.storage.EntryKind;
import chat.storage.StoredEntry;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The hand-off from appending threads to the committer, and the gate that keeps every
 * channel's journal contiguous.
 *
 * <p>Locking rule: everything here is guarded by {@link #lock}. Checking an entry's seq
 * against the channel's accepted head (durable or still queued) and queueing it happen in
 * one critical section, so the queue order is the append order and each channel's seqs
 * in it are consecutive: the journal order follows. Appenders wait while
 * {@code maxPending} entries are queued (back-pressure); the committer thread itself never
 * waits, so a callback that appends cannot deadlock the store.
 */
final class AppendQueue {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final Condition notFull = lock.newCondition();
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    /** Work for the committer thread between two batches (compaction steps), run in order. */
    private final ArrayDeque<FutureTask<?>> tasks = new ArrayDeque<>();
    private final Map<String, Long> acceptedHeads;
    private final int maxPending;
    private Thread committer;
    private boolean closed;

    /** {@code heads}: the durable head of every channel at open; taken over, not copied. */
    AppendQueue(Map<String, Long> heads, int maxPending) {
        this.acceptedHeads = new HashMap<>(heads);
        this.maxPending = maxPending;
    }

    void setCommitter(Thread committer) {
        lock.lock();
        try {
            this.committer = committer;
        } finally {
            lock.unlock();
        }
    }

    void append(StoredEntry entry, AppendCallback callback) {
        lock.lock();
        try {
            while (!closed && queue.size() >= maxPending && Thread.currentThread() != committer) {
                notFull.awaitUninterruptibly();
            }
            if (closed) {
                throw new IllegalStateException("the store is closed");
            }
            long head = acceptedHeads.getOrDefault(entry.channel(), 0L);
            check(entry, head);
            acceptedHeads.put(entry.channel(), entry.seq());
            queue.add(new Pending(entry, callback));
            notEmpty.signal();
        } finally {
            lock.unlock();
        }
    }

    private static void check(StoredEntry entry, long head) {
        if (entry.kind() == EntryKind.EXPIRED) {
            throw new IllegalArgumentException("EXPIRED entries are written by compaction, not appended");
        }
        if (entry.kind() == EntryKind.CREATE && head > 0) {
            throw new IllegalArgumentException("channel " + entry.channel() + " already exists (head seq " + head
                    + "); CREATE needs a new channel");
        }
        if (entry.kind() != EntryKind.CREATE && head == 0) {
            throw new IllegalArgumentException("channel " + entry.channel() + " does not exist; "
                    + entry.kind() + " needs a CREATE first");
        }
        if (entry.seq() != head + 1) {
            throw new IllegalArgumentException("channel " + entry.channel() + " expects seq " + (head + 1)
                    + " next, got " + entry.seq());
        }
    }

    /**
     * Runs {@code task} on the committer thread between two batches. After {@link #close}
     * the future fails with an {@link IllegalStateException}.
     */
    <T> Future<T> call(Callable<T> task) {
        lock.lock();
        try {
            if (closed) {
                return CompletableFuture.failedFuture(new IllegalStateException("the store is closed"));
            }
            FutureTask<T> future = new FutureTask<>(task);
            tasks.add(future);
            notEmpty.signal();
            return future;
        } finally {
            lock.unlock();
        }
    }

    /** Takes the tasks waiting for the committer (see {@link #call}). */
    List<FutureTask<?>> takeTasks() {
        lock.lock();
        try {
            List<FutureTask<?>> taken = new ArrayList<>(tasks);
            tasks.clear();
            return taken;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits for work and takes up to {@code max} entries in append order (an empty list
     * when only tasks are waiting); returns null once the queue is closed and drained.
     */
    List<Pending> take(int max) {
        lock.lock();
        try {
            while (queue.isEmpty() && tasks.isEmpty() && !closed) {
                notEmpty.awaitUninterruptibly();
            }
            List<Pending> batch = new ArrayList<>(Math.min(max, queue.size()));
            while (batch.size() < max && !queue.isEmpty()) {
                batch.add(queue.poll());
            }
            notFull.signalAll();
            return batch.isEmpty() && tasks.isEmpty() && closed ? null : batch;
        } finally {
            lock.unlock();
        }
    }

    /** Refuses further appends; what is queued is still handed to the committer. */
    void close() {
        lock.lock();
        try {
            closed = true;
            tasks.forEach(t -> t.cancel(false));
            tasks.clear();
            notEmpty.signalAll();
            notFull.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
