package chat.e2e.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import chat.storage.AppendCallback;
import chat.storage.ChannelState;
import chat.storage.EntryCursor;
import chat.storage.EntryKind;
import chat.storage.HistoryStore;
import chat.storage.RecoveredState;
import chat.storage.SharedStore;
import chat.storage.StorageException;
import chat.storage.StoredEntry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link HistoryStore} must do, whatever keeps the entries: one suite, run
 * against the embedded journal ({@link JournalStoreContractTest}) and PostgreSQL
 * ({@link PostgresStoreContractTest}).
 */
abstract class StoreContract {

    private final List<HistoryStore> open = new ArrayList<>();

    /** A new, empty store. */
    protected abstract HistoryStore create() throws Exception;

    /** The store {@code store} was, closed and opened again (as after a restart). */
    protected abstract HistoryStore reopen(HistoryStore store) throws Exception;

    protected final HistoryStore track(HistoryStore store) {
        open.add(store);
        return store;
    }

    @AfterEach
    void closeAll() {
        open.forEach(HistoryStore::close);
    }

    static byte[] head(String channel, long seq) {
        byte[] head = new byte[StoredEntry.HEAD_BYTES];
        ByteBuffer.wrap(head).putLong(seq).putInt(channel.hashCode());
        return head;
    }

    static byte[] payload(String channel, long seq, int size) {
        byte[] payload = new byte[size];
        byte[] tag = (channel + "#" + seq + ";").getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < size; i++) {
            payload[i] = tag[i % tag.length];
        }
        return payload;
    }

    static StoredEntry entry(String channel, long seq, EntryKind kind, String actor, String subject, long userSeq,
                             int bytes) {
        return new StoredEntry(channel, seq, 1_700_000_000_000L + seq, kind, actor, subject, userSeq, head(channel, seq),
                payload(channel, seq, bytes));
    }

    /** Makes the entry durable and waits: commit on a shared store, append and its callback otherwise. */
    static void put(HistoryStore store, StoredEntry e) throws Exception {
        SharedStore shared = store.shared();
        if (shared != null) {
            shared.commit(e);
            return;
        }
        CompletableFuture<StoredEntry> done = new CompletableFuture<>();
        store.append(e, new AppendCallback() {
            @Override
            public void durable(StoredEntry entry) {
                done.complete(entry);
            }

            @Override
            public void failed(StoredEntry entry, StorageException cause) {
                done.completeExceptionally(cause);
            }
        });
        done.get(60, TimeUnit.SECONDS);
    }

    static List<StoredEntry> readAll(HistoryStore store, String channel, long after, long to) {
        List<StoredEntry> out = new ArrayList<>();
        try (EntryCursor c = store.read(channel, after, to)) {
            c.forEachRemaining(out::add);
        }
        return out;
    }

    /** ops: alice creates, invites bob and carol, makes bob admin, messages, removes carol, rotates, leaves. */
    static List<StoredEntry> story() {
        return List.of(
                entry("ops", 1, EntryKind.CREATE, "alice", "alice", 1, 40),
                entry("ops", 2, EntryKind.INVITE, "alice", "bob", 2, 60),
                entry("ops", 3, EntryKind.INVITE, "alice", "carol", 3, 60),
                entry("ops", 4, EntryKind.ADMIN, "alice", "bob", 4, 50),
                entry("ops", 5, EntryKind.MESSAGE, "bob", null, 1, 100),
                entry("ops", 6, EntryKind.REMOVE, "bob", "carol", 2, 50),
                entry("ops", 7, EntryKind.ROTATE, "bob", null, 3, 70),
                entry("ops", 8, EntryKind.LEAVE, "alice", "alice", 5, 40),
                entry("ops", 9, EntryKind.MESSAGE, "bob", null, 4, 1000));
    }

    @Test
    void whatIsAppendedIsReadBackInOrderAndIdentical() throws Exception {
        HistoryStore store = track(create());
        for (StoredEntry e : story()) {
            put(store, e);
        }
        assertThat(readAll(store, "ops", 0, Long.MAX_VALUE)).containsExactlyElementsOf(story());
        assertThat(store.durableHead("ops")).isEqualTo(9);
        assertThat(store.durableHead("nowhere")).isZero();
    }

    @Test
    void cursorsHonourTheirRangeAndUnknownChannelsAreEmpty() throws Exception {
        HistoryStore store = track(create());
        for (StoredEntry e : story()) {
            put(store, e);
        }
        assertThat(readAll(store, "ops", 3, 6)).extracting(StoredEntry::seq).containsExactly(4L, 5L, 6L);
        assertThat(readAll(store, "ops", 9, Long.MAX_VALUE)).isEmpty();
        assertThat(readAll(store, "ops", 8, 100)).extracting(StoredEntry::seq).containsExactly(9L);
        assertThat(readAll(store, "nowhere", 0, Long.MAX_VALUE)).isEmpty();
        assertThatThrownBy(() -> store.read("ops", -1, 5)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void headsAreLookedUpBySeq() throws Exception {
        HistoryStore store = track(create());
        for (StoredEntry e : story()) {
            put(store, e);
        }
        assertThat(store.headAt("ops", 5)).isEqualTo(head("ops", 5));
        assertThat(store.headAt("ops", 10)).isNull();
        assertThat(store.headAt("nowhere", 1)).isNull();
    }

    @Test
    void aRestartRecoversMembershipHeadsUserSeqsAndStoredBytes() throws Exception {
        HistoryStore store = create();
        for (StoredEntry e : story()) {
            put(store, e);
        }
        put(store, entry("dev", 1, EntryKind.CREATE, "carol", "carol", 9, 40));
        HistoryStore again = track(reopen(store));
        RecoveredState state = again.recoveredState();
        ChannelState ops = state.channels().get("ops");
        assertThat(ops.headSeq()).isEqualTo(9);
        assertThat(ops.headHash()).isEqualTo(head("ops", 9));
        assertThat(ops.members()).containsExactly("bob");
        assertThat(ops.admins()).containsExactly("bob");
        assertThat(ops.epoch()).isEqualTo(1);
        assertThat(ops.rotationPending()).isTrue(); // alice left after the rotation
        assertThat(ops.departed()).isEqualTo(Map.of("carol", 6L, "alice", 8L));
        assertThat(state.channels().get("dev").members()).containsExactly("carol");
        assertThat(state.lastUserSeq()).isEqualTo(Map.of("alice", 5L, "bob", 4L, "carol", 9L));
        assertThat(state.storedBytes().get("bob")).isEqualTo(100 + 50 + 70 + 1000); // the ADMIN of bob is alice's
        assertThat(readAll(again, "ops", 0, Long.MAX_VALUE)).containsExactlyElementsOf(story());
    }

    @Test
    void aLongChannelIsReadInFullWithLargeAndSmallEntries() throws Exception {
        HistoryStore store = track(create());
        put(store, entry("big", 1, EntryKind.CREATE, "alice", "alice", 1, 40));
        int n = 3000;
        for (int i = 2; i <= n; i++) {
            put(store, entry("big", i, EntryKind.MESSAGE, "alice", null, i, i % 500 == 0 ? 300_000 : 100));
        }
        long expected = 2;
        try (EntryCursor c = store.read("big", 1, Long.MAX_VALUE)) {
            while (c.hasNext()) {
                StoredEntry e = c.next();
                assertThat(e.seq()).isEqualTo(expected);
                assertThat(e.payload()).isEqualTo(payload("big", expected, expected % 500 == 0 ? 300_000 : 100));
                expected++;
            }
        }
        assertThat(expected).isEqualTo(n + 1);
    }
}
