package chat.storage;

import static chat.storage.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attack review finding 3: damage that was never repaired. A damaged index is rebuilt from
 * the journal; damage in the journal itself is named, never served as a wrong entry, and
 * damage before the checkpoint is found at open.
 */
class IndexRepairTest {

    @TempDir
    Path dir;

    private StoreOptions options() {
        return StoreOptions.defaults(dir).withSegmentBytes(4096).withMaxBatchEntries(7);
    }

    private Path index(String channel) {
        return dir.resolve("index").resolve(java.util.HexFormat.of().formatHex(channel.getBytes()) + ".idx");
    }

    private List<StoredEntry> twoChannels() throws Exception {
        List<StoredEntry> a = channel("a", 300, 40);
        List<StoredEntry> b = channel("b", 300, 40);
        try (EntryStore store = EntryStore.open(options())) {
            for (int i = 0; i < a.size(); i++) { // interleaved, so the channels share segments
                append(store, a.get(i));
                append(store, b.get(i));
            }
            appendAll(store, List.of());
            while (store.durableHead("b") < b.size()) {
                Thread.sleep(5);
            }
        }
        return a;
    }

    /** The journal location (segment, offset, length) the index gives for a seq. */
    private long[] location(String channel, long seq) throws Exception {
        ByteBuffer entry = ByteBuffer.wrap(Files2.read(index(channel), (seq - 1) * 16, 16));
        int segment = entry.getInt();
        int length = entry.getInt();
        return new long[] {segment, entry.getLong(), length};
    }

    @Test
    void aZeroedIndexEntryIsRebuiltFromTheJournalAndTheReadReturnsTheRightEntries() throws Exception {
        List<StoredEntry> a = twoChannels();
        byte[] good = Files2.read(index("a"), 149 * 16, 16);
        Files2.writeAt(index("a"), 149 * 16, new byte[16]); // seq 150, inside the checkpointed part

        try (LogCapture logs = new LogCapture(); EntryStore store = EntryStore.open(options())) {
            assertThat(readAll(store, "a", 0, Long.MAX_VALUE)).isEqualTo(a);
            assertThat(logs.warnings()).singleElement().asString()
                    .contains("index of channel a").contains("rebuilt its entries 1..301");
            assertThat(Files2.read(index("a"), 149 * 16, 16)).isEqualTo(good);
            assertThat(readAll(store, "a", 140, 160)).isEqualTo(a.subList(140, 160));
            assertThat(logs.warnings()).hasSize(1); // repaired once, not at every read
        }
    }

    @Test
    void anIndexEntryLeadingToAnotherRecordIsRebuilt() throws Exception {
        List<StoredEntry> a = twoChannels();
        byte[] other = Files2.read(index("b"), 9 * 16, 16); // b's seq 10, a valid record of another channel
        Files2.writeAt(index("a"), 9 * 16, other);
        try (LogCapture logs = new LogCapture(); EntryStore store = EntryStore.open(options())) {
            assertThat(readAll(store, "a", 5, 15)).isEqualTo(a.subList(5, 15));
            assertThat(logs.warnings()).singleElement().asString().contains("index of channel a");
        }
    }

    @Test
    void anIndexFileDeletedOrTruncatedWhileClosedIsRebuiltAtOpen() throws Exception {
        List<StoredEntry> a = twoChannels();
        Files.delete(index("a"));
        try (EntryStore store = EntryStore.open(options())) {
            assertThat(readAll(store, "a", 0, Long.MAX_VALUE)).isEqualTo(a);
        }
        Files2.truncate(index("a"), 100 * 16 + 5);
        try (EntryStore store = EntryStore.open(options())) {
            assertThat(readAll(store, "a", 0, Long.MAX_VALUE)).isEqualTo(a);
        }
    }

    @Test
    void anIndexFileTruncatedWhileOpenIsRebuiltOnRead() throws Exception {
        List<StoredEntry> a = twoChannels();
        try (LogCapture logs = new LogCapture(); EntryStore store = EntryStore.open(options())) {
            Files2.truncate(index("a"), 100 * 16);
            assertThat(readAll(store, "a", 0, Long.MAX_VALUE)).isEqualTo(a);
            assertThat(logs.warnings()).singleElement().asString().contains("index of channel a");
        }
    }

    @Test
    void journalDamageUnderAnIndexEntryIsATypedErrorNotAWrongEntry() throws Exception {
        List<StoredEntry> a = twoChannels();
        long[] at = location("a", 150);
        Path segment = Files2.segment(dir, (int) at[0]);
        try (LogCapture logs = new LogCapture(); EntryStore store = EntryStore.open(options())) {
            Files2.flipByte(segment, at[1] + 30); // the disk rots while the server runs
            assertThat(readAll(store, "a", 0, 149)).isEqualTo(a.subList(0, 149));
            for (int i = 0; i < 2; i++) { // the second read does not rescan, and says the same
                assertThatThrownBy(() -> readAll(store, "a", 140, 160)).isInstanceOf(JournalDamageException.class)
                        .hasMessageContaining("channel a seq 150")
                        .hasMessageContaining(Files2.segment(dir.toRealPath(), (int) at[0]) + " offset " + at[1])
                        .hasMessageContaining("--repair-journal");
            }
            assertThat(logs.warnings()).hasSize(1);
            assertThat(readAll(store, "b", 0, Long.MAX_VALUE)).hasSize(301); // other channels unaffected
        }
    }

    @Test
    void journalDamageBeforeTheCheckpointRefusesToOpenDeletesNothingAndIsRepairedWhenAsked() throws Exception {
        List<StoredEntry> a = twoChannels();
        assertThat(Files2.checkpoint(dir)).exists();
        long segments = Files2.segmentCount(dir);
        Path third = Files2.segment(dir, 3);
        Files2.flipByte(third, 100);
        byte[] damaged = Files.readAllBytes(third);
        byte[] checkpoint = Files.readAllBytes(Files2.checkpoint(dir));

        assertThatThrownBy(() -> EntryStore.open(options())).isInstanceOf(StoreCorruptException.class)
                .hasMessageContaining("damaged in the middle")
                .hasMessageContaining(Files2.segment(dir.toRealPath(), 3) + " at offset ")
                .hasMessageContaining("--repair-journal")
                .hasMessageContaining("Nothing was deleted");
        assertThat(Files2.segmentCount(dir)).isEqualTo(segments);
        assertThat(Files.readAllBytes(third)).isEqualTo(damaged);
        assertThat(Files.readAllBytes(Files2.checkpoint(dir))).isEqualTo(checkpoint);

        try (LogCapture logs = new LogCapture()) {
            EntryStore.repair(options());
            assertThat(String.join("\n", logs.warnings())).contains("journal repair");
        }
        try (var files = Files.list(dir)) {
            assertThat(files.filter(p -> p.getFileName().toString().startsWith("damaged-"))).hasSize(1);
        }
        try (EntryStore store = EntryStore.open(options())) {
            List<StoredEntry> read = readAll(store, "a", 0, Long.MAX_VALUE);
            assertThat(read).isNotEmpty().isEqualTo(a.subList(0, read.size()));
            assertThat(read.size()).isLessThan(a.size());
            assertThat(Files2.segmentCount(dir)).isEqualTo(3);
        }
    }

    @Test
    void damageInTheLastRecordBeforeTheCheckpointIsMovedAsideNotCutAsATornTail() throws Exception {
        twoChannels();
        long segments = Files2.segmentCount(dir);
        long[] at = location("b", 301); // the very last record, vouched for by the checkpoint
        assertThat(at[0]).isEqualTo(segments);
        Files2.flipByte(Files2.segment(dir, (int) at[0]), at[1] + 30);
        assertThatThrownBy(() -> EntryStore.open(options())).isInstanceOf(StoreCorruptException.class)
                .hasMessageContaining("--repair-journal");
        EntryStore.repair(options());
        try (var files = Files.list(dir)) {
            assertThat(files.filter(p -> p.getFileName().toString().startsWith("damaged-"))).hasSize(1);
        }
        try (EntryStore store = EntryStore.open(options())) {
            assertThat(store.durableHead("b")).isEqualTo(300);
            assertThat(store.durableHead("a")).isEqualTo(301);
        }
    }
}
