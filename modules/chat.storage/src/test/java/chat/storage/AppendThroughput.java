package chat.storage;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * Throughput check, not a test: 8 threads append 200,000 entries with 500-byte payloads to
 * 20 channels (each channel's appends serialised by its own lock, as in the server) and it
 * prints durable entries per second and journal fsyncs per second.
 *
 * <p>A second, closed-loop phase has each thread wait until its entry is durable before
 * appending the next, as a client waiting for its echo would: there only 8 entries are
 * ever in flight, so it shows the disk's fsync rate and how group commit shares each
 * fsync between the waiting threads.
 *
 * <p>Run from modules/chat.storage after {@code mvnw test-compile}:
 * {@code java -cp target/classes:target/test-classes chat.storage.AppendThroughput [dir]}
 * (the directory defaults to a fresh one under target/ and is deleted afterwards).
 */
public final class AppendThroughput {

    private static final int THREADS = 8;
    private static final int CHANNELS = 20;
    private static final int ENTRIES = 200_000;
    private static final int PAYLOAD = 500;

    public static void main(String[] args) throws Exception {
        Path dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory(Path.of("target"), "throughput");
        CountDownLatch durable = new CountDownLatch(ENTRIES);
        AppendCallback callback = new AppendCallback() {
            @Override
            public void durable(StoredEntry e) {
                durable.countDown();
            }

            @Override
            public void failed(StoredEntry e, StorageException cause) {
                throw new IllegalStateException("append failed", cause);
            }
        };
        ReentrantLock[] locks = new ReentrantLock[CHANNELS];
        long[] heads = new long[CHANNELS];
        byte[] payload = new byte[PAYLOAD];
        try (EntryStore store = EntryStore.open(StoreOptions.defaults(dir))) {
            for (int c = 0; c < CHANNELS; c++) {
                locks[c] = new ReentrantLock();
                heads[c] = store.durableHead("bench-" + c);
            }
            long start = System.nanoTime();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                threads.add(Thread.ofPlatform().start(() -> {
                    for (int i = thread; i < ENTRIES; i += THREADS) {
                        int c = i % CHANNELS;
                        String channel = "bench-" + c;
                        locks[c].lock();
                        try {
                            long seq = ++heads[c];
                            StoredEntry entry = seq == 1
                                    ? new StoredEntry(channel, 1, System.currentTimeMillis(), EntryKind.CREATE,
                                    "user-" + thread, "user-" + thread, i + 1, new byte[32], payload)
                                    : new StoredEntry(channel, seq, System.currentTimeMillis(), EntryKind.MESSAGE,
                                    "user-" + thread, null, i + 1, new byte[32], payload);
                            store.append(entry, callback);
                        } finally {
                            locks[c].unlock();
                        }
                    }
                }));
            }
            for (Thread thread : threads) {
                thread.join();
            }
            durable.await();
            report("pipelined", store.stats(), new StoreStats(0, 0, 0, false), start);
            closedLoop(store, locks, heads, payload);
        } finally {
            if (args.length == 0) {
                try (Stream<Path> files = Files.walk(dir)) {
                    files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    private static void closedLoop(EntryStore store, ReentrantLock[] locks, long[] heads, byte[] payload)
            throws InterruptedException {
        int perThread = 2_500;
        StoreStats before = store.stats();
        long start = System.nanoTime();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            threads.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < perThread; i++) {
                    int c = (thread + i * THREADS) % CHANNELS;
                    CompletableFuture<StoredEntry> done = new CompletableFuture<>();
                    locks[c].lock();
                    try {
                        store.append(new StoredEntry("bench-" + c, ++heads[c], System.currentTimeMillis(),
                                EntryKind.MESSAGE, "user-" + thread, null, ENTRIES + i + 1, new byte[32], payload),
                                new AppendCallback() {
                                    @Override
                                    public void durable(StoredEntry e) {
                                        done.complete(e);
                                    }

                                    @Override
                                    public void failed(StoredEntry e, StorageException cause) {
                                        done.completeExceptionally(cause);
                                    }
                                });
                    } finally {
                        locks[c].unlock();
                    }
                    done.join();
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        report("closed loop", store.stats(), before, start);
    }

    private static void report(String phase, StoreStats after, StoreStats before, long startNanos) {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        long entries = after.durableEntries() - before.durableEntries();
        long commits = after.groupCommits() - before.groupCommits();
        System.out.printf("%-11s: %,d durable appends in %.2f s: %,.0f entries/s; %,d group commits = %,.0f fsyncs/s,"
                        + " %.1f entries per fsync%n",
                phase, entries, seconds, entries / seconds, commits, commits / seconds, (double) entries / commits);
    }
}
