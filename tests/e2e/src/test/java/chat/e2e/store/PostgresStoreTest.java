package chat.e2e.store;

import static chat.e2e.store.StoreContract.entry;
import static chat.e2e.store.StoreContract.readAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import chat.e2e.PgCluster;
import chat.storage.ConflictException;
import chat.storage.EntryKind;
import chat.storage.HistoryStore;
import chat.storage.SharedStore;
import chat.storage.StoreFormatException;
import chat.storage.StoreUnavailableException;
import chat.storage.StoredEntry;
import chat.storage.postgres.PostgresProvider;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What only a store shared by several servers must do: one order per channel, wake-ups, clear refusals. */
class PostgresStoreTest {

    private final List<HistoryStore> open = new ArrayList<>();

    private HistoryStore open(String url) throws Exception {
        HistoryStore s = new PostgresProvider().open(url, PgCluster.PASSWORD.toCharArray());
        open.add(s);
        return s;
    }

    @AfterEach
    void closeAll() {
        open.forEach(HistoryStore::close);
    }

    @Test
    void anEntryThatDoesNotFollowTheHeadOrTheUserSeqIsRefusedAndNothingIsStored() throws Exception {
        SharedStore store = open(PgCluster.get().newDatabase()).shared();
        store.commit(entry("ops", 1, EntryKind.CREATE, "alice", "alice", 1, 40));
        store.commit(entry("ops", 2, EntryKind.MESSAGE, "alice", null, 2, 40));
        assertThatThrownBy(() -> store.commit(entry("ops", 2, EntryKind.MESSAGE, "bob", null, 1, 40)))
                .isInstanceOf(ConflictException.class).hasMessageContaining("ops");
        assertThatThrownBy(() -> store.commit(entry("ops", 4, EntryKind.MESSAGE, "bob", null, 1, 40)))
                .isInstanceOf(ConflictException.class);
        assertThatThrownBy(() -> store.commit(entry("ops", 1, EntryKind.CREATE, "bob", "bob", 1, 40)))
                .isInstanceOf(ConflictException.class).hasMessageContaining("created");
        assertThatThrownBy(() -> store.commit(entry("ops", 3, EntryKind.INVITE, "alice", "bob", 2, 40)))
                .isInstanceOf(ConflictException.class).hasMessageContaining("userSeq");
        assertThat(store.heads()).containsEntry("ops", 2L);
        assertThat(store.lastUserSeq("alice")).isEqualTo(2);
        assertThat(store.lastUserSeq("bob")).isZero();
        assertThat(readAll((HistoryStore) store, "ops", 0, 10)).extracting(StoredEntry::seq).containsExactly(1L, 2L);
    }

    /**
     * Two stores on one database, as two servers: four writers race for one channel, each
     * retrying with the next seq when another was first. The channel ends with every entry
     * once, in one contiguous order.
     */
    @Test
    void writersOnSeveralStoresMakeOneContiguousOrder() throws Exception {
        String url = PgCluster.get().newDatabase();
        HistoryStore a = open(url);
        HistoryStore b = open(url);
        a.shared().commit(entry("race", 1, EntryKind.CREATE, "w0", "w0", 1, 40));
        int writers = 4;
        int each = 50;
        List<Thread> threads = new ArrayList<>();
        java.util.concurrent.atomic.AtomicInteger conflicts = new java.util.concurrent.atomic.AtomicInteger();
        for (int w = 0; w < writers; w++) {
            SharedStore store = (w % 2 == 0 ? a : b).shared();
            String user = "u" + w;
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    for (int i = 1; i <= each; i++) {
                        while (true) {
                            long seq = store.heads().get("race") + 1;
                            try {
                                store.commit(new StoredEntry("race", seq, System.currentTimeMillis(), EntryKind.MESSAGE,
                                        user, null, i, StoreContract.head("race", seq), (user + ":" + i).getBytes()));
                                break;
                            } catch (ConflictException e) {
                                conflicts.incrementAndGet();
                            }
                        }
                    }
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            }));
        }
        for (Thread t : threads) {
            t.join(120_000);
        }
        List<StoredEntry> all = readAll(b, "race", 0, Long.MAX_VALUE);
        assertThat(all).hasSize(1 + writers * each);
        for (int i = 0; i < all.size(); i++) {
            assertThat(all.get(i).seq()).isEqualTo(i + 1);
        }
        assertThat(all.stream().skip(1).map(e -> new String(e.payload())).distinct()).hasSize(writers * each);
        for (int w = 0; w < writers; w++) {
            assertThat(b.shared().lastUserSeq("u" + w)).isEqualTo(each);
        }
        System.out.println("writersOnSeveralStoresMakeOneContiguousOrder: " + conflicts.get() + " conflicts retried");
    }

    @Test
    void anotherStoresCommitWakesTheListenerWithinMoments() throws Exception {
        String url = PgCluster.get().newDatabase();
        HistoryStore a = open(url);
        HistoryStore b = open(url);
        ConcurrentHashMap<String, Long> heard = new ConcurrentHashMap<>();
        CountDownLatch polled = new CountDownLatch(1);
        CountDownLatch woken = new CountDownLatch(1);
        b.shared().listen((channel, head) -> {
            heard.merge(channel, head, Math::max);
            if (channel.equals("news") && head == 2) {
                woken.countDown();
            }
        });
        a.shared().commit(entry("other", 1, EntryKind.CREATE, "alice", "alice", 1, 40));
        Thread.sleep(300); // the listener's first poll is over
        long t0 = System.nanoTime();
        a.shared().commit(entry("news", 1, EntryKind.CREATE, "bob", "bob", 1, 40));
        a.shared().commit(entry("news", 2, EntryKind.MESSAGE, "bob", null, 2, 40));
        assertThat(woken.await(30, TimeUnit.SECONDS)).isTrue();
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        System.out.println("anotherStoresCommitWakesTheListenerWithinMoments: woken after " + ms + " ms");
        // The poll comes every 5 s: sooner than that, it was the NOTIFY.
        assertThat(ms).isLessThan(4_500);
        polled.countDown();
    }

    @Test
    void aDatabaseWithANewerSchemaIsRefusedWithASentence() throws Exception {
        String url = PgCluster.get().newDatabase();
        open(url).close();
        PgCluster.get().sql(PgCluster.database(url), "INSERT INTO chat_schema (version) VALUES (99)");
        assertThatThrownBy(() -> open(url)).isInstanceOf(StoreFormatException.class)
                .hasMessageContaining("schema version 99").hasMessageContaining("newer");
    }

    @Test
    void unreachableWrongPasswordMissingDatabaseAndBadUrlsAreSaidPlainly() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        int port = PgCluster.get().port();
        assertThatThrownBy(() -> open("postgresql://chat@127.0.0.1:" + closed + "/chat"))
                .isInstanceOf(StoreUnavailableException.class).hasMessageContaining("cannot connect to PostgreSQL");
        assertThatThrownBy(() -> new PostgresProvider().open("postgresql://chat@127.0.0.1:" + port + "/chat",
                "wrong".toCharArray())).isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("refused the login of user chat");
        assertThatThrownBy(() -> open("postgresql://chat@127.0.0.1:" + port + "/nosuchdb"))
                .hasMessageContaining("database nosuchdb does not exist");
        assertThatThrownBy(() -> open("postgresql://127.0.0.1/chat")).hasMessageContaining("no user");
        assertThatThrownBy(() -> open("postgresql://chat:secret@127.0.0.1/chat"))
                .hasMessageContaining("password does not belong");
        assertThatThrownBy(() -> open("postgresql://chat@127.0.0.1:99999/chat")).hasMessageContaining("port 99999");
        assertThatThrownBy(() -> open("postgresql://chat@127.0.0.1:5432/")).hasMessageContaining("no database");
    }
}
