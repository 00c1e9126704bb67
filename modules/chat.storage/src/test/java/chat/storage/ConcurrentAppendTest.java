package chat.storage;

import static chat.storage.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many threads append to shared channels the way the server does: each channel's appends
 * are serialised by that channel's own lock, channels proceed independently.
 */
class ConcurrentAppendTest {

    private static final int THREADS = 8;
    private static final int CHANNELS = 20;
    private static final int PER_THREAD_PER_CHANNEL = 2_000;
    private static final long PER_CHANNEL = (long) THREADS * PER_THREAD_PER_CHANNEL + 1; // + the CREATE

    @TempDir
    Path dir;

    @Test
    void eightThreadsTwentyChannels() throws Exception {
        List<String> problems = new CopyOnWriteArrayList<>();
        Map<String, AtomicLong> lastDurable = new ConcurrentHashMap<>();
        CountDownLatch allDurable = new CountDownLatch((int) (CHANNELS * PER_CHANNEL));
        AppendCallback check = new AppendCallback() {
            @Override
            public void durable(StoredEntry e) {
                long previous = lastDurable.computeIfAbsent(e.channel(), c -> new AtomicLong()).getAndSet(e.seq());
                if (previous != e.seq() - 1) {
                    problems.add(e.channel() + ": seq " + e.seq() + " durable after " + previous);
                }
                allDurable.countDown();
            }

            @Override
            public void failed(StoredEntry e, StorageException cause) {
                problems.add(e + " failed: " + cause);
            }
        };

        try (EntryStore store = EntryStore.open(StoreOptions.defaults(dir).withCheckpointEveryEntries(50_000))) {
            List<String> channels = new ArrayList<>();
            ReentrantLock[] locks = new ReentrantLock[CHANNELS];
            long[] heads = new long[CHANNELS];
            for (int c = 0; c < CHANNELS; c++) {
                channels.add("room-" + c);
                locks[c] = new ReentrantLock();
                store.append(create(channels.get(c), "owner", c + 1), check);
                heads[c] = 1;
            }
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                threads.add(Thread.ofPlatform().start(() -> {
                    String sender = "user-" + thread;
                    long userSeq = 0;
                    for (int round = 0; round < PER_THREAD_PER_CHANNEL; round++) {
                        for (int i = 0; i < CHANNELS; i++) {
                            int c = (i + thread * 3) % CHANNELS;
                            locks[c].lock();
                            try {
                                long seq = ++heads[c];
                                store.append(message(channels.get(c), seq, sender, ++userSeq, 32), check);
                            } finally {
                                locks[c].unlock();
                            }
                        }
                    }
                }));
            }
            for (Thread thread : threads) {
                thread.join();
            }
            assertThat(allDurable.await(120, TimeUnit.SECONDS)).isTrue();
            assertThat(problems).isEmpty();
            for (String channel : channels) {
                assertThat(store.durableHead(channel)).isEqualTo(PER_CHANNEL);
            }
        }

        try (EntryStore store = EntryStore.open(StoreOptions.defaults(dir))) {
            RecoveredState state = store.recoveredState();
            assertThat(state.channels()).hasSize(CHANNELS);
            state.channels().values().forEach(c -> assertThat(c.headSeq()).isEqualTo(PER_CHANNEL));
            for (int t = 0; t < THREADS; t++) {
                assertThat(state.lastUserSeq().get("user-" + t)).isEqualTo((long) CHANNELS * PER_THREAD_PER_CHANNEL);
            }
            long seq = 0;
            try (EntryCursor cursor = store.read("room-7", 0, Long.MAX_VALUE)) {
                while (cursor.hasNext()) {
                    StoredEntry e = cursor.next();
                    assertThat(e.seq()).isEqualTo(++seq);
                    assertThat(e.head()).isEqualTo(head("room-7", seq));
                }
            }
            assertThat(seq).isEqualTo(PER_CHANNEL);
        }
    }
}
