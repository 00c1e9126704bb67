package chat.storage;

import static chat.storage.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The retention period: compaction of closed, checkpointed segments (docs/storage.md, "Compaction"). */
class CompactionTest {

    private static final long BASE = 1_700_000_000_000L; // Fixtures: message seq n has timestamp BASE + n
    private static final Duration RETAIN = Duration.ofMillis(1000);
    private static final Duration NEVER_BY_ITSELF = Duration.ofHours(1);

    @TempDir
    Path dir;

    private StoreOptions options(Path where) {
        return StoreOptions.defaults(where).withSegmentBytes(4096).withMaxBatchEntries(7);
    }

    /** Channels a (alice) and b (bob, with an invitation and a rotation kept among the messages). */
    private static List<StoredEntry> history() {
        List<StoredEntry> all = new ArrayList<>();
        all.add(create("a", "alice", 1));
        all.add(create("b", "bob", 1));
        long aliceSeq = 1;
        long bobSeq = 1;
        for (int seq = 2; seq <= 120; seq++) {
            all.add(message("a", seq, "alice", ++aliceSeq, 300));
            if (seq == 40) {
                all.add(invite("b", seq, "bob", "carol", ++bobSeq));
            } else if (seq == 41) {
                all.add(new StoredEntry("b", seq, BASE + seq, EntryKind.ROTATE, "bob", null, ++bobSeq,
                        head("b", seq), payload("b", seq, 50)));
            } else {
                all.add(message("b", seq, "bob", ++bobSeq, 200));
            }
        }
        return all;
    }

    /** What a reader must see once messages with seq below {@code firstKept} have expired. */
    private static List<StoredEntry> expectedAfter(List<StoredEntry> all, String channel, long firstKept) {
        return all.stream().filter(e -> e.channel().equals(channel))
                .map(e -> e.kind() == EntryKind.MESSAGE && e.seq() < firstKept ? e.expired() : e).toList();
    }

    private static long journalBytes(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir.resolve("journal"))) {
            return files.mapToLong(f -> f.toFile().length()).sum();
        }
    }

    @Test
    void expiresOnlyMessagesPastTheRetentionKeepsHeadsAndReclaimsTheDisk() throws Exception {
        List<StoredEntry> all = history();
        Map<String, Long> reclaimed = new ConcurrentHashMap<>();
        long before;
        long storedBefore;
        try (EntryStore store = EntryStore.open(options(dir))) {
            appendAll(store, all);
            before = journalBytes(dir);
            // Now = BASE + 1080: messages with timestamps below BASE + 80 (seq < 80) have expired.
            store.startRetention(RETAIN, NEVER_BY_ITSELF, () -> BASE + 80 + RETAIN.toMillis(),
                    m -> m.forEach((u, n) -> reclaimed.merge(u, n, Long::sum)));
            waitFor(() -> !reclaimed.isEmpty()); // the pass at start
            CompactionStats again = store.compactNow();
            assertThat(again.segments()).as("a second pass finds nothing more to do").isZero();
            for (String channel : List.of("a", "b")) {
                assertThat(readAll(store, channel, 0, Long.MAX_VALUE)).isEqualTo(expectedAfter(all, channel, 80));
            }
            assertThat(store.headAt("a", 10)).isEqualTo(head("a", 10));
            assertThat(store.headAt("b", 79)).isEqualTo(head("b", 79));
        }
        long after = journalBytes(dir);
        assertThat(after).as("the journal shrinks").isLessThan(before - 78 * 250);
        long aliceFreed = 78L * 300; // seqs 2..79 of a
        long bobFreed = 76L * 200; // seqs 2..79 of b except the invitation (40) and the rotation (41)
        assertThat(reclaimed).containsExactlyInAnyOrderEntriesOf(Map.of("alice", aliceFreed, "bob", bobFreed));
        try (EntryStore store = EntryStore.open(options(dir))) {
            for (String channel : List.of("a", "b")) {
                assertThat(readAll(store, channel, 0, Long.MAX_VALUE)).isEqualTo(expectedAfter(all, channel, 80));
            }
            long aliceAll = all.stream().filter(e -> e.actor().equals("alice")).mapToLong(e -> e.payload().length).sum();
            assertThat(store.recoveredState().storedBytes().get("alice")).isEqualTo(aliceAll - aliceFreed);
            assertThat(store.recoveredState().channels().get("b").members()).containsExactly("bob", "carol");
            assertThat(store.recoveredState().channels().get("b").epoch()).isEqualTo(1);
            appendAll(store, List.of(message("a", 121, "alice", 500, 10)));
        }
        // Without the checkpoint the whole journal, EXPIRED entries included, is replayed.
        Files.delete(Files2.checkpoint(dir));
        try (EntryStore store = EntryStore.open(options(dir))) {
            assertThat(store.durableHead("a")).isEqualTo(121);
            assertThat(readAll(store, "b", 0, Long.MAX_VALUE)).isEqualTo(expectedAfter(all, "b", 80));
            assertThat(store.recoveredState().channels().get("b").members()).containsExactly("bob", "carol");
        }
    }

    @Test
    void nothingExpiresInsideTheRetentionPeriodAndAppendsGoOn() throws Exception {
        List<StoredEntry> all = history();
        try (EntryStore store = EntryStore.open(options(dir))) {
            appendAll(store, all);
            store.startRetention(RETAIN, NEVER_BY_ITSELF, () -> BASE, m -> { });
            assertThat(store.compactNow().segments()).isZero();
            appendAll(store, List.of(message("a", 121, "alice", 500, 10)));
            List<StoredEntry> a = new ArrayList<>(all.stream().filter(e -> e.channel().equals("a")).toList());
            a.add(message("a", 121, "alice", 500, 10));
            assertThat(readAll(store, "a", 0, Long.MAX_VALUE)).isEqualTo(a);
        }
    }

    @Test
    void aCursorOpenWhileSegmentsAreReplacedReadsEveryEntryWithoutAnIndexRepair() throws Exception {
        List<StoredEntry> all = history();
        try (LogCapture log = new LogCapture(); EntryStore store = EntryStore.open(options(dir))) {
            appendAll(store, all);
            List<StoredEntry> read = new ArrayList<>();
            try (EntryCursor cursor = store.read("a", 0, Long.MAX_VALUE)) {
                read.add(cursor.next()); // index chunk and segment 1 read before the compaction
                read.add(cursor.next());
                java.util.concurrent.CountDownLatch compacted = new java.util.concurrent.CountDownLatch(1);
                store.startRetention(RETAIN, NEVER_BY_ITSELF, () -> BASE + 80 + RETAIN.toMillis(),
                        m -> compacted.countDown());
                assertThat(compacted.await(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
                store.compactNow(); // returns once the background pass is over
                cursor.forEachRemaining(read::add);
            }
            // Entries read before the compaction are the originals, later ones may be expired.
            List<StoredEntry> expected = expectedAfter(all, "a", 80);
            assertThat(read).hasSize(expected.size());
            for (int i = 0; i < read.size(); i++) {
                StoredEntry e = read.get(i);
                assertThat(e.seq()).isEqualTo(i + 1);
                assertThat(e.head()).isEqualTo(expected.get(i).head());
                assertThat(e.equals(expected.get(i)) || e.equals(all.stream()
                        .filter(x -> x.channel().equals("a")).toList().get(i))).isTrue();
            }
            assertThat(log.warnings()).noneMatch(w -> w.contains("damaged"));
        }
    }

    /** A crash while the copy was written (no marker): the copy is deleted, the segment is the old one. */
    @Test
    void aCrashWhileTheCopyIsWrittenLeavesTheOldSegment() throws Exception {
        List<StoredEntry> all = history();
        try (EntryStore store = EntryStore.open(options(dir))) {
            appendAll(store, all);
        }
        Path copy = dir.resolve("journal/00000002.compact");
        Files.write(copy, new byte[] {1, 2, 3});
        assertCrashLeftTheOriginal(all, copy);
    }

    /** A crash after the marker, before the rename: the copy is deleted, the segment is the old one. */
    @Test
    void aCrashBeforeTheRenameLeavesTheOldSegment() throws Exception {
        List<StoredEntry> all = history();
        Path compacted = compactedCopy(all);
        try (EntryStore store = EntryStore.open(options(dir))) {
            appendAll(store, all);
        }
        Path copy = dir.resolve("journal/00000002.compact");
        Files.copy(compacted.resolve("journal/00000002.seg"), copy);
        Files.createFile(dir.resolve("journal/00000002.compacting"));
        assertCrashLeftTheOriginal(all, copy);
    }

    private void assertCrashLeftTheOriginal(List<StoredEntry> all, Path copy) throws Exception {
        try (LogCapture log = new LogCapture(); EntryStore store = EntryStore.open(options(dir))) {
            assertThat(copy).doesNotExist();
            assertThat(dir.resolve("journal/00000002.compacting")).doesNotExist();
            for (String channel : List.of("a", "b")) {
                assertThat(readAll(store, channel, 0, Long.MAX_VALUE)).isEqualTo(expectedAfter(all, channel, 0));
            }
            assertThat(log.warnings()).isEmpty();
        }
    }

    /**
     * A crash after the rename, before the index entries were rewritten and fsynced: the
     * marker makes the next open rewrite that segment's index entries from it, so reads
     * find every entry without treating the index as damaged.
     */
    @Test
    void aCrashAfterTheRenameIsFinishedAtTheNextOpen() throws Exception {
        List<StoredEntry> all = history();
        Path compacted = compactedCopy(all);
        try (EntryStore store = EntryStore.open(options(dir))) {
            appendAll(store, all);
        }
        // The old index (as before the compaction) with the new segment 2 in place.
        Files.copy(compacted.resolve("journal/00000002.seg"), dir.resolve("journal/00000002.seg"),
                StandardCopyOption.REPLACE_EXISTING);
        Files.createFile(dir.resolve("journal/00000002.compacting"));
        try (LogCapture log = new LogCapture(); EntryStore store = EntryStore.open(options(dir))) {
            assertThat(dir.resolve("journal/00000002.compacting")).doesNotExist();
            for (String channel : List.of("a", "b")) {
                List<StoredEntry> read = readAll(store, channel, 0, Long.MAX_VALUE);
                assertThat(read).hasSize(expectedAfter(all, channel, 0).size());
                for (StoredEntry e : read) { // segment 2's messages expired, nothing else
                    StoredEntry original = all.stream().filter(x -> x.channel().equals(channel) && x.seq() == e.seq())
                            .findFirst().orElseThrow();
                    assertThat(e).isIn(original, original.kind() == EntryKind.MESSAGE ? original.expired() : original);
                }
            }
            assertThat(log.warnings()).isEmpty();
        }
    }

    /** A copy of the history in another folder, compacted up to seq 80; returns the folder. */
    private Path compactedCopy(List<StoredEntry> all) throws Exception {
        Path other = dir.resolveSibling(dir.getFileName() + "-compacted");
        try (EntryStore store = EntryStore.open(options(other))) {
            appendAll(store, all);
            store.startRetention(RETAIN, NEVER_BY_ITSELF, () -> BASE + 80 + RETAIN.toMillis(), m -> { });
            store.compactNow();
        }
        return other;
    }

    private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waited 30 s").isLessThan(deadline);
            Thread.sleep(10);
        }
    }
}
