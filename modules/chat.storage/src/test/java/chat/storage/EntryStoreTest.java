package chat.storage;

import static chat.storage.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EntryStoreTest {

    @TempDir
    Path dir;

    @Test
    void roundTripAndReopen() throws Exception {
        var entries = channel("general", 10, 100);
        try (EntryStore store = EntryStore.open(StoreOptions.defaults(dir))) {
            assertThat(store.recoveredState()).isEqualTo(RecoveredState.EMPTY);
            appendAll(store, entries);
            assertThat(store.durableHead("general")).isEqualTo(11);
            assertThat(readAll(store, "general", 0, Long.MAX_VALUE)).isEqualTo(entries);
        }
        try (LogCapture logs = new LogCapture(); EntryStore store = EntryStore.open(StoreOptions.defaults(dir))) {
            assertThat(store.durableHead("general")).isEqualTo(11);
            assertThat(readAll(store, "general", 0, Long.MAX_VALUE)).isEqualTo(entries);
            assertThat(logs.warnings()).isEmpty();
            // and the journal continues where it ended
            appendAll(store, List.of(message("general", 12, "alice", 12, 5)));
        }
        try (EntryStore store = EntryStore.open(StoreOptions.defaults(dir))) {
            assertThat(store.durableHead("general")).isEqualTo(12);
            assertThat(readAll(store, "general", 11, 12)).extracting(StoredEntry::seq).containsExactly(12L);
        }
    }

    @Test
    void recoveredStateHasHeadsMembersAndLastUserSeqs() throws Exception {
        try (EntryStore store = EntryStore.open(StoreOptions.defaults(dir))) {
            appendAll(store, List.of(
                    create("ops", "alice", 1),
                    invite("ops", 2, "alice", "bob", 2),
                    message("ops", 3, "bob", 7, 10),
                    invite("ops", 4, "bob", "carol", 8),
                    invite("ops", 5, "alice", "bob", 3), // a second invite adds no second bob
                    create("random", "carol", 1),
                    message("random", 2, "carol", 2, 10)));
        }
        try (EntryStore store = EntryStore.open(StoreOptions.defaults(dir))) {
            RecoveredState state = store.recoveredState();
            assertThat(state.channels()).containsOnlyKeys("ops", "random");
            ChannelState ops = state.channels().get("ops");
            assertThat(ops.headSeq()).isEqualTo(5);
            assertThat(ops.headHash()).isEqualTo(head("ops", 5));
            assertThat(ops.members()).containsExactly("alice", "bob", "carol");
            assertThat(state.channels().get("random").members()).containsExactly("carol");
            assertThat(state.lastUserSeq()).isEqualTo(Map.of("alice", 3L, "bob", 8L, "carol", 2L));
        }
    }

    @Test
    void storedBytesPerUserAreCountedAndSurviveACheckpointAndARescan() throws Exception {
        List<StoredEntry> entries = List.of(
                create("ops", "alice", 1),
                invite("ops", 2, "alice", "bob", 2),
                message("ops", 3, "bob", 7, 1000),
                message("ops", 4, "bob", 8, 500));
        Map<String, Long> expected = Map.of(
                "alice", (long) entries.get(0).payload().length + entries.get(1).payload().length,
                "bob", (long) entries.get(2).payload().length + entries.get(3).payload().length);
        try (EntryStore store = EntryStore.open(StoreOptions.defaults(dir))) {
            appendAll(store, entries);
        }
        try (EntryStore store = EntryStore.open(StoreOptions.defaults(dir))) { // from the checkpoint close wrote
            assertThat(store.recoveredState().storedBytes()).isEqualTo(expected);
            assertThat(store.recoveredState().totalStoredBytes()).isEqualTo(expected.get("alice") + expected.get("bob"));
        }
        java.nio.file.Files.delete(dir.resolve("checkpoint"));
        try (EntryStore store = EntryStore.open(StoreOptions.defaults(dir))) { // from the journal alone
            assertThat(store.recoveredState().storedBytes()).isEqualTo(expected);
        }
    }

    @Test
    void headAtMatchesWhatACursorReadsAndSurvivesADamagedIndex() throws Exception {
        var entries = channel("c", 599, 20); // seqs 1..600, three index chunks
        try (EntryStore store = EntryStore.open(StoreOptions.defaults(dir))) {
            appendAll(store, entries);
            for (StoredEntry e : entries) {
                assertThat(store.headAt("c", e.seq())).as("seq " + e.seq()).isEqualTo(e.head());
            }
            assertThat(store.headAt("c", 0)).isNull();
            assertThat(store.headAt("c", 601)).isNull();
            assertThat(store.headAt("nowhere", 1)).isNull();
        }
        // a zeroed index entry: the lookup goes through a cursor, which rebuilds the index
        java.nio.file.Path index;
        try (var files = java.nio.file.Files.list(dir.resolve("index"))) {
            index = files.findFirst().orElseThrow();
        }
        try (var file = java.nio.channels.FileChannel.open(index, java.nio.file.StandardOpenOption.WRITE)) {
            file.write(java.nio.ByteBuffer.allocate(16), 299L * 16);
        }
        try (LogCapture logs = new LogCapture(); EntryStore store = EntryStore.open(StoreOptions.defaults(dir))) {
            assertThat(store.headAt("c", 300)).isEqualTo(entries.get(299).head());
            assertThat(store.headAt("c", 301)).isEqualTo(entries.get(300).head());
            assertThat(logs.warnings()).anyMatch(w -> w.contains("rebuilt"));
        }
    }

    @Test
    void readsRanges() throws Exception {
        var entries = channel("c", 29, 20); // seqs 1..30
        try (EntryStore store = EntryStore.open(StoreOptions.defaults(dir))) {
            appendAll(store, entries);
            assertThat(readAll(store, "c", 0, 30)).isEqualTo(entries);
            assertThat(readAll(store, "c", 10, 15)).extracting(StoredEntry::seq).containsExactly(11L, 12L, 13L, 14L, 15L);
            assertThat(readAll(store, "c", 25, 1000)).extracting(StoredEntry::seq).containsExactly(26L, 27L, 28L, 29L, 30L);
            assertThat(readAll(store, "c", 29, 30)).extracting(StoredEntry::seq).containsExactly(30L);
            assertThat(readAll(store, "c", 30, 1000)).isEmpty();
            assertThat(readAll(store, "c", 100, 200)).isEmpty();
            assertThat(readAll(store, "c", 10, 10)).isEmpty();
            assertThat(readAll(store, "c", 10, 5)).isEmpty();
            assertThat(readAll(store, "c", Long.MAX_VALUE, Long.MAX_VALUE)).isEmpty();
            assertThat(readAll(store, "c", 0, -7)).isEmpty();
            assertThat(readAll(store, "nobody-made-this", 0, Long.MAX_VALUE)).isEmpty();
            assertThatThrownBy(() -> store.read("c", -1, 5)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("afterSeq -1 is negative");
        }
    }

    @Test
    void cursorReadsMoreThanOneIndexChunkAndStopsCleanly() throws Exception {
        var entries = channel("long", 999, 3);
        try (EntryStore store = EntryStore.open(StoreOptions.defaults(dir))) {
            appendAll(store, entries);
            assertThat(readAll(store, "long", 0, Long.MAX_VALUE)).isEqualTo(entries);
            EntryCursor cursor = store.read("long", 998, 1000);
            assertThat(cursor.next().seq()).isEqualTo(999);
            cursor.close();
            assertThat(cursor.hasNext()).isFalse();
            cursor.close();
        }
    }

    @Test
    void refusesEntriesThatBreakTheChannelSequence() throws Exception {
        try (EntryStore store = EntryStore.open(StoreOptions.defaults(dir))) {
            appendAll(store, channel("c", 2, 10)); // seqs 1..3
            AppendCallback ignore = new Recorder();
            assertThatThrownBy(() -> store.append(message("c", 5, "alice", 9, 1), ignore))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("channel c expects seq 4 next, got 5");
            assertThatThrownBy(() -> store.append(message("c", 3, "alice", 9, 1), ignore))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("channel c expects seq 4 next, got 3");
            assertThatThrownBy(() -> store.append(create("c", "bob", 1), ignore))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("channel c already exists (head seq 3); CREATE needs a new channel");
            assertThatThrownBy(() -> store.append(message("nope", 2, "alice", 9, 1), ignore))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("channel nope does not exist; MESSAGE needs a CREATE first");
            assertThatThrownBy(() -> store.append(invite("nope", 2, "alice", "bob", 9), ignore))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("channel nope does not exist; INVITE needs a CREATE first");
            // a pending (not yet durable) head counts as much as a durable one
            store.append(create("fresh", "bob", 1), ignore);
            assertThatThrownBy(() -> store.append(create("fresh", "bob", 2), ignore))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("channel fresh already exists (head seq 1); CREATE needs a new channel");
        }
        try (EntryStore store = EntryStore.open(StoreOptions.defaults(dir))) {
            assertThat(store.durableHead("c")).isEqualTo(3);
            assertThat(store.durableHead("fresh")).isEqualTo(1);
            assertThatThrownBy(() -> store.append(message("c", 3, "alice", 9, 1), new Recorder()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("channel c expects seq 4 next, got 3");
        }
    }

    @Test
    void closeDrainsEverythingAppendedAndRunsCallbacksInOrder() throws Exception {
        Recorder recorder = new Recorder();
        EntryStore store = EntryStore.open(StoreOptions.defaults(dir).withMaxBatchEntries(7));
        for (StoredEntry entry : channel("c", 499, 50)) {
            store.append(entry, recorder);
        }
        store.close();
        assertThat(recorder.durable).extracting(StoredEntry::seq).containsExactlyElementsOf(seqs(1, 500));
        assertThat(recorder.failed).isEmpty();
        store.close(); // idempotent
        assertThatThrownBy(() -> store.append(message("c", 501, "alice", 1, 1), recorder))
                .isInstanceOf(IllegalStateException.class).hasMessage("the store is closed");
        assertThatThrownBy(() -> store.read("c", 0, 1)).isInstanceOf(IllegalStateException.class);
        try (EntryStore reopened = EntryStore.open(StoreOptions.defaults(dir))) {
            assertThat(reopened.durableHead("c")).isEqualTo(500);
        }
    }

    @Test
    void durableHeadAndReadsFollowTheCallbacks() throws Exception {
        try (EntryStore store = EntryStore.open(StoreOptions.defaults(dir))) {
            List<String> problems = new CopyOnWriteArrayList<>();
            CountDownLatch done = new CountDownLatch(200);
            AppendCallback check = new Recorder() {
                @Override
                public void durable(StoredEntry e) {
                    if (store.durableHead("c") < e.seq()) {
                        problems.add("head behind callback at " + e.seq());
                    }
                    try (EntryCursor cursor = store.read("c", e.seq() - 1, e.seq())) {
                        if (!cursor.next().equals(e)) {
                            problems.add("read differs at " + e.seq());
                        }
                    }
                    done.countDown();
                }
            };
            for (StoredEntry entry : channel("c", 199, 30)) {
                store.append(entry, check);
            }
            assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(problems).isEmpty();
        }
    }

    @Test
    void appendFromACallbackDoesNotDeadlockAFullQueue() throws Exception {
        CountDownLatch chained = new CountDownLatch(1);
        try (EntryStore store = EntryStore.open(StoreOptions.defaults(dir).withMaxPendingEntries(1))) {
            store.append(create("c", "alice", 1), new Recorder() {
                @Override
                public void durable(StoredEntry e) {
                    for (int seq = 2; seq <= 5; seq++) {
                        store.append(message("c", seq, "alice", seq, 1), seq < 5 ? new Recorder() : new Recorder() {
                            @Override
                            public void durable(StoredEntry last) {
                                chained.countDown();
                            }
                        });
                    }
                }
            });
            assertThat(chained.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(store.durableHead("c")).isEqualTo(5);
        }
    }

    @Test
    void closeFromACallbackIsRefused() throws Exception {
        List<Throwable> thrown = new CopyOnWriteArrayList<>();
        try (EntryStore store = EntryStore.open(StoreOptions.defaults(dir))) {
            Fixtures.append(store, create("c", "alice", 1)).get(); // channel exists
            CountDownLatch ran = new CountDownLatch(1);
            store.append(message("c", 2, "alice", 2, 1), new Recorder() {
                @Override
                public void durable(StoredEntry e) {
                    try {
                        store.close();
                    } catch (IllegalStateException expected) {
                        thrown.add(expected);
                    }
                    ran.countDown();
                }
            });
            assertThat(ran.await(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(thrown).singleElement().extracting(Throwable::getMessage)
                .isEqualTo("close() from an append callback would wait for itself");
    }

    @Test
    void aThrowingCallbackDoesNotStopTheCommitter() throws Exception {
        try (LogCapture logs = new LogCapture(); EntryStore store = EntryStore.open(StoreOptions.defaults(dir))) {
            store.append(create("c", "alice", 1), new Recorder() {
                @Override
                public void durable(StoredEntry e) {
                    throw new IllegalStateException("callback bug");
                }
            });
            Fixtures.append(store, message("c", 2, "alice", 2, 1)).get(30, TimeUnit.SECONDS);
            assertThat(logs.warnings()).anyMatch(w -> w.startsWith("an append callback threw"));
        }
    }

    @Test
    void handlesLongNonAsciiChannelNames() throws Exception {
        String longName = "频道".repeat(32); // 64 chars, 192 UTF-8 bytes: hashed index file name
        String shortName = "café ☕";
        try (EntryStore store = EntryStore.open(StoreOptions.defaults(dir))) {
            appendAll(store, channel(longName, 3, 10));
            appendAll(store, channel(shortName, 3, 10));
        }
        try (EntryStore store = EntryStore.open(StoreOptions.defaults(dir))) {
            assertThat(readAll(store, longName, 0, 10)).isEqualTo(channel(longName, 3, 10));
            assertThat(readAll(store, shortName, 0, 10)).isEqualTo(channel(shortName, 3, 10));
            assertThat(store.recoveredState().channels()).containsOnlyKeys(longName, shortName);
        }
    }

    @Test
    void emptyPayloadsAndMaximalPayloadsRoundTrip() throws Exception {
        var entries = List.of(create("c", "alice", 1),
                message("c", 2, "alice", 2, 0),
                message("c", 3, "alice", 3, StoredEntry.MAX_PAYLOAD_BYTES),
                message("c", 4, "alice", 4, StoredEntry.MAX_PAYLOAD_BYTES));
        try (EntryStore store = EntryStore.open(StoreOptions.defaults(dir))) {
            appendAll(store, entries);
        }
        try (EntryStore store = EntryStore.open(StoreOptions.defaults(dir))) {
            assertThat(readAll(store, "c", 0, 10)).isEqualTo(entries);
        }
    }

    static List<Long> seqs(long from, long to) {
        List<Long> seqs = new ArrayList<>();
        for (long s = from; s <= to; s++) {
            seqs.add(s);
        }
        return seqs;
    }

    /** Records callbacks; they all run on the committer thread. */
    static class Recorder implements AppendCallback {
        final List<StoredEntry> durable = new CopyOnWriteArrayList<>();
        final List<StoredEntry> failed = new CopyOnWriteArrayList<>();

        @Override
        public void durable(StoredEntry e) {
            durable.add(e);
        }

        @Override
        public void failed(StoredEntry e, StorageException cause) {
            failed.add(e);
        }
    }
}
